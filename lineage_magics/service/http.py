"""``lineage serve``: the service over HTTP on SageMaker's JSON 1.1 protocol (a WSGI app on waitress).

``POST /`` with ``X-Amz-Target: SageMaker.<Operation>`` and a JSON body; answers
``application/x-amz-json-1.1`` with timestamps as epoch seconds, errors as
``{"__type": code, "message": text}`` and the error's HTTP status. The SageMaker Metrics service
(``sagemaker-metrics``, REST-JSON) is answered on the same port: ``PUT /BatchPutMetrics`` and
``POST /BatchGetMetrics`` with a JSON body (``AWS_ENDPOINT_URL_SAGEMAKER_METRICS``); its errors also
carry the ``x-amzn-ErrorType`` header. A request check (for example
SigV4 verification, ``service.auth.SigV4Verifier``) plugs in as ``request_check(operation, environ,
body)``, which raises ``ServiceFault`` to refuse a request. A body larger than ``max_body`` bytes
(``MAX_BODY``, 2 MiB, by default) is refused with HTTP 413 before it is read.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import uuid
from collections.abc import Callable

from .core import Service
from .errors import ServiceFault
from .metrics import OPERATIONS as METRICS_OPERATIONS

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.1"
REST_CONTENT_TYPE = "application/json"  # sagemaker-metrics
METRICS_ROUTES = {f"/{name}": name for name in METRICS_OPERATIONS}
TARGET_PREFIX = "SageMaker."
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = (
    2 * 1024 * 1024
)  # the largest request body answered (SageMaker's largest lineage request is < 1 MiB)

RequestCheck = Callable[[str, dict, bytes], None]


def make_app(service: Service, request_check: RequestCheck | None = None, *, max_body: int = MAX_BODY):
    """The WSGI application answering SageMaker JSON 1.1 requests from ``service``."""

    def respond(start_response, status: int, body: bytes, rest: bool = False):
        reasons = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
                   413: "Payload Too Large", 500: "Internal Server Error", 503: "Service Unavailable"}  # fmt: skip
        headers = [("Content-Type", REST_CONTENT_TYPE if rest else CONTENT_TYPE),
                   ("Content-Length", str(len(body))), ("x-amzn-RequestId", str(uuid.uuid4()))]  # fmt: skip
        if rest and status >= 300:
            try:
                headers.append(("x-amzn-ErrorType", json.loads(body)["__type"]))
            except (ValueError, KeyError, TypeError):
                pass
        start_response(f"{status} {reasons.get(status, 'Error')}", headers)
        return [body]

    def fault(start_response, error: ServiceFault):
        return respond(start_response, error.status, json.dumps(error.to_wire()).encode())

    def app(environ, start_response):
        try:
            method = environ.get("REQUEST_METHOD", "GET")
            if method == "GET" and environ.get("PATH_INFO", "/") in ("/", "/ping"):
                body = json.dumps({"service": "lineage-magics local SageMaker lineage service"}).encode()
                return respond(start_response, 200, body)
            target = environ.get("HTTP_X_AMZ_TARGET", "")
            rest = not target and environ.get("PATH_INFO", "/") in METRICS_ROUTES
            if method not in (("PUT", "POST") if rest else ("POST",)):
                return fault(
                    start_response, ServiceFault("MethodNotAllowed", f"{method} is not supported.", 405)
                )
            if rest:
                target = TARGET_PREFIX + METRICS_ROUTES[environ["PATH_INFO"]]
            if not target.startswith(TARGET_PREFIX):
                return fault(
                    start_response,
                    ServiceFault(
                        "UnknownOperationException", f"Missing or foreign X-Amz-Target: {target!r}.", 400
                    ),
                )
            operation = target[len(TARGET_PREFIX) :]
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_body:
                raise ServiceFault(
                    "RequestEntityTooLargeException",
                    f"The request body of {length} bytes is larger than the maximum of {max_body} bytes.",
                    413,
                )
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            if request_check is not None:
                request_check(operation, environ, body)
            status, out = service.handle(operation, body)
            return respond(start_response, status, out, rest)
        except ServiceFault as error:
            return fault(start_response, error)
        except Exception as exc:  # never a stack trace in a response body
            log.exception("lineage serve failed")
            return fault(start_response, ServiceFault("InternalFailure", f"{type(exc).__name__}: {exc}", 500))

    return app


def serve(
    service: Service,
    host: str = "127.0.0.1",
    port: int = 8700,
    *,
    threads: int = 4,
    request_check: RequestCheck | None = None,
    store_label: str | None = None,
    max_body: int = MAX_BODY,
) -> None:
    """Serve until SIGINT or SIGTERM; print the URL on one line once listening."""
    import waitress

    if host not in LOOPBACK:
        print(
            f"lineage serve: WARNING: listening on {host}, not loopback; anyone who can reach this port can "
            "read and change the store.",
            file=sys.stderr,
            flush=True,
        )
    # "Task queue depth" warnings would fill a parent's stderr pipe under load; errors still show
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = make_app(service, request_check, max_body=max_body)
    # waitress refuses (413) what is far beyond the limit before buffering it; the app answers the rest
    server = waitress.create_server(
        app, host=host, port=port, threads=threads, max_request_body_size=4 * max_body + 65536
    )
    bound = server.effective_port
    shown = f"[{host}]" if ":" in host else host
    label = store_label or service.store.path
    print(f"lineage serve: http://{shown}:{bound} (store: {label})", flush=True)

    def stop(signum, frame):
        raise SystemExit(0)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.close()
        service.close()
        print("lineage serve: stopped", flush=True)
