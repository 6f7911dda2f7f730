"""URLs and ``connect(url)``: a real boto3 SageMaker client for any backend (docs/architecture.md).

The URL grammar lives here, once:

- ``memory://`` (a fresh in-memory store; ``memory://NAME`` one shared by name in this process)
- ``sqlite:///path.db`` (relative), ``sqlite:////abs/path.db``, ``sqlite:///~/x.db``
- ``sagemaker://[REGION][?profile=P]``: real SageMaker, adaptive retries
- ``http://HOST:PORT[?region=R&profile=P]``: any SageMaker-compatible endpoint, such as ``lineage serve``
  (standard retries, 3 s connect timeout)

No URL means ``$LINEAGE_MAGICS_URL``, else :data:`DEFAULT_URL`.

Local URLs are answered in-process: a ``before-call`` hook hands the serialised request to the
embedded service and returns botocore's own parse of its answer, so parameter validation,
modeled exceptions and paginators behave as with SageMaker. No credentials are needed.
In-process answers skip botocore's retry layer, so injected faults reach the caller.

Query keys for local URLs (``memory://?throttle=0.3&seed=1``): ``latency`` (seconds a call),
``throttle`` (share of ThrottlingException), ``error_rate`` (share of InternalFailure), ``seed``,
``limit_artifacts`` / ``limit_contexts`` / ``limit_actions`` / ``limit_associations`` (a number,
or ``none``), ``refuse_delete`` (``1``/``0``: refuse deleting entities with associations),
``region`` and ``account`` (used in new ARNs).
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import uuid
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from .service import Service

DEFAULT_URL = "sqlite:///~/.lineage_magics/lineage.db"
ENV_VAR = "LINEAGE_MAGICS_URL"
FORMS = "memory://, sqlite:///PATH.db, sagemaker://[REGION][?profile=NAME], http://HOST:PORT"
SCHEMES = {
    "memory": "embedded service, in memory",
    "sqlite": "embedded service, SQLite file",
    "sagemaker": "Amazon SageMaker",
    "http": "SageMaker-compatible HTTP endpoint",
    "https": "SageMaker-compatible HTTP endpoint",
}
LOCAL_KEYS = ("latency", "throttle", "error_rate", "seed", "limit_artifacts", "limit_contexts", "limit_actions",
              "limit_associations", "refuse_delete", "region", "account")  # fmt: skip
REMOTE_KEYS = {"sagemaker": ("profile",), "http": ("region", "profile"), "https": ("region", "profile")}
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")

_services: dict[str, Service] = {}
_services_lock = threading.Lock()
_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def effective_url(configured: str | None = None) -> str:
    """``configured``, else ``$LINEAGE_MAGICS_URL``, else the default embedded store."""
    return configured or os.environ.get(ENV_VAR) or DEFAULT_URL


def parse_url(url: str) -> tuple[str, str, dict[str, str]]:
    """``(scheme, rest, query)`` of a lineage URL; ValueError saying what is wrong with it."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise ValueError(f"{url!r} is not a lineage URL; use one of {FORMS}")
    if scheme not in SCHEMES:
        raise ValueError(f"{url!r} is not a lineage URL (unsupported scheme {scheme!r}); use one of {FORMS}")
    rest, _, raw_query = rest.partition("?")
    query = dict(parse_qsl(raw_query, keep_blank_values=True))
    allowed = LOCAL_KEYS if scheme in ("memory", "sqlite") else REMOTE_KEYS[scheme]
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise ValueError(f"unknown URL key(s) {', '.join(unknown)}: {scheme}:// takes {', '.join(allowed)}")
    if scheme == "sqlite" and not rest.lstrip("/"):
        raise ValueError(f"{url!r} names no database file; use sqlite:///PATH.db")
    if scheme == "sagemaker" and rest.strip("/") and not _REGION.fullmatch(rest.strip("/")):
        raise ValueError(f"{rest.strip('/')!r} in {url!r} is not an AWS region (like us-east-1)")
    if scheme in ("http", "https"):
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"{url!r} names no host; use http://HOST:PORT")
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ValueError(f"{url!r} has a bad port") from None
    return scheme, rest, query


def check_url(url: str) -> str:
    """``url`` stripped when it is a lineage URL; ValueError saying what is wrong otherwise."""
    parse_url(url)
    return url.strip()


def redact(url: str) -> str:
    """The URL without credentials: no user:password, and of the query only ``region`` and ``profile``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "sagemaker"):
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k in ("region", "profile")]
    query = "&".join(f"{k}={v}" for k, v in kept)
    path = parts.path if parts.scheme != "sagemaker" else ""
    return f"{parts.scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def profile_of(url: str) -> str | None:
    """The ``?profile=`` of a URL, or None."""
    return dict(parse_qsl(urlsplit(url).query)).get("profile")


def backend_kind(url: str) -> str:
    """A short description of the backend a URL names."""
    return SCHEMES.get(url.partition("://")[0].lower(), "unknown")


def _store_path(scheme: str, rest: str) -> str:
    if scheme == "memory":
        return ":memory:"
    path = rest[1:] if rest.startswith("/") else rest
    if not path:
        raise ValueError("sqlite:/// needs a file path, for example sqlite:///lineage.db")
    return os.path.abspath(os.path.expanduser(path))


def _settings(query: dict[str, str]) -> tuple[dict, dict]:
    options: dict[str, Any] = {}
    identity = {k: query[k] for k in ("region", "account") if k in query}
    if "latency" in query:
        options["latency"] = float(query["latency"])
    if "throttle" in query:
        options["throttle_rate"] = float(query["throttle"])
    if "error_rate" in query:
        options["error_rate"] = float(query["error_rate"])
    if "seed" in query:
        options["seed"] = int(query["seed"])
    limits = {}
    for key in ("artifacts", "contexts", "actions", "associations"):
        value = query.get("limit_" + key)
        if value is not None:
            limits[key] = None if value.lower() in ("none", "") else int(value)
    if limits:
        options["limits"] = limits
    if "refuse_delete" in query:
        options["refuse_delete_with_associations"] = query["refuse_delete"].lower() in ("1", "true", "yes")
    return options, identity


def _service_for(scheme: str, rest: str, query: dict[str, str]) -> Service:
    from .service import Service

    options, identity = _settings(query)
    path = _store_path(scheme, rest)
    with _services_lock:
        key = f"memory://{rest}" if scheme == "memory" else path
        service = _services.get(key) if (scheme != "memory" or rest) else None
        if service is None or service.store.pid != os.getpid():
            service = Service(path, **identity)
            if scheme != "memory" or rest:
                _services[key] = service
    if options:
        service.configure(**options)
    return service


class _Body:
    """The raw body of an in-process answer, as AWSResponse reads it (``stream()``)."""

    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **_):
        yield self.body


METRICS = "sagemaker-metrics"  # the SageMaker Metrics service (REST-JSON), answered by the same store
_CONTENT_TYPES = {"json": "application/x-amz-json-1.1", "rest-json": "application/json"}


class _LocalHook:
    """``before-call`` handler: answer the request from the embedded service, parsed by botocore."""

    def __init__(self, service: Service, protocol: str = "json"):
        import botocore.parsers

        self.service = service
        self.parser = botocore.parsers.create_parser(protocol)
        self.content_type = _CONTENT_TYPES[protocol]
        # request ids shaped like SageMaker's uuid4s: a random prefix, then a counter (uuid4 per call
        # read os.urandom each time: 13% of a local call's samples)
        self._id_prefix = str(uuid.uuid4())[:23]
        self._ids = itertools.count(1)

    def __call__(self, model, params, **kwargs):
        from botocore.awsrequest import AWSResponse

        status, body = self.service.handle(model.name, params.get("body"))
        headers = {
            "x-amzn-requestid": f"{self._id_prefix}-{next(self._ids):012x}",
            "content-type": self.content_type,
            "content-length": str(len(body)),
        }
        response = {
            "status_code": status,
            "headers": headers,
            "body": body,
            "context": {"operation_name": model.name},
        }
        parsed = self.parser.parse(response, model.output_shape)
        if status >= 300:
            code = parsed.get("Error", {}).get("Code")
            shape = model.service_model.shape_for_error_code(code) if code else None
            if shape is not None:
                parsed.update(self.parser.parse(response, shape))
        return AWSResponse(params.get("url", "local://lineage"), status, headers, _Body(body)), parsed


def _register_hooks(events, service: Service) -> None:
    """Answer every SageMaker and SageMaker Metrics call made through ``events`` from ``service``."""
    events.register("before-call.sagemaker.*", _LocalHook(service))
    events.register(f"before-call.{METRICS}.*", _LocalHook(service, "rest-json"))


def _local_client(service: Service, name: str = "sagemaker"):
    import botocore
    from botocore.config import Config

    from .sagemaker import botocore_session

    with _services_lock:  # botocore sessions are not thread-safe while creating clients
        client = botocore_session().create_client(
            name,
            region_name=service.region,
            endpoint_url="https://api.sagemaker.local.invalid",
            config=Config(signature_version=botocore.UNSIGNED, user_agent_extra="lineage-magics-local"),
        )
    _register_hooks(client.meta.events, service)
    _clients[client] = service
    return client


def connect(url: str | None = None, *, retries: bool = True):
    """A boto3 SageMaker client for ``url`` (None: ``$LINEAGE_MAGICS_URL``, else the default store).

    ``retries=False`` turns botocore's retries off (one attempt a call), for callers that retry
    themselves (:class:`lineage_magics.api.Api`); in-process stores never pass through them."""
    scheme, rest, query = parse_url(effective_url(url))
    if scheme in ("memory", "sqlite"):
        return _local_client(_service_for(scheme, rest, query))
    return _remote_client("sagemaker", scheme, rest, query, retries)


def connect_metrics(target=None, *, retries: bool = True):
    """A boto3 ``sagemaker-metrics`` client (BatchPutMetrics, BatchGetMetrics) on the backend of
    ``target``: a URL as for :func:`connect`, or a SageMaker client made by it (a ``memory://``
    store is only reachable through its client). For the SageMaker SDK:
    ``Session(sagemaker_client=sm, sagemaker_metrics_client=connect_metrics(sm))``."""
    if target is None or isinstance(target, str):
        scheme, rest, query = parse_url(effective_url(target))
        if scheme in ("memory", "sqlite"):
            return _local_client(_service_for(scheme, rest, query), METRICS)
        return _remote_client(METRICS, scheme, rest, query, retries)
    service = local_service(target)
    if service is not None:
        return _local_client(service, METRICS)
    import boto3

    meta = target.meta
    if meta.endpoint_url and ".amazonaws.com" not in meta.endpoint_url:  # a local endpoint (lineage serve)
        keys = {}
        if not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")):
            keys = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
        return boto3.Session(region_name=meta.region_name).client(
            METRICS, endpoint_url=meta.endpoint_url, config=meta.config, **keys
        )
    return boto3.Session(region_name=meta.region_name).client(METRICS, config=meta.config)


def local_session(url: str | None = None):
    """A ``boto3.Session`` whose ``sagemaker`` and ``sagemaker-metrics`` clients are answered
    in-process by the local store of ``url`` (``memory://``, ``sqlite:///...``): for code that makes
    its own clients from a session, such as ``sagemaker-core``'s resources (``session=``) or the
    SDK's ``Session(boto_session=...)``. Needs no credentials and makes no network calls."""
    import boto3

    scheme, rest, query = parse_url(effective_url(url))
    if scheme not in ("memory", "sqlite"):
        raise ValueError(
            f"local_session takes a local URL (memory://, sqlite:///PATH.db), not {redact(url or '')!r}"
        )
    service = _service_for(scheme, rest, query)
    session = boto3.Session(
        region_name=service.region, aws_access_key_id="local", aws_secret_access_key="local"
    )
    _register_hooks(session.events, service)
    return session


def _remote_client(name: str, scheme: str, rest: str, query: dict[str, str], retries: bool):
    import boto3
    from botocore.config import Config

    def config(mode: str, attempts: int, **kw: Any) -> Config:
        return Config(retries={"mode": mode, "total_max_attempts": attempts if retries else 1}, **kw)

    if scheme == "sagemaker":
        session = boto3.Session(profile_name=query.get("profile"), region_name=rest.strip("/") or None)
        return session.client(name, config=config("adaptive", 10))
    region = (
        query.get("region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )
    endpoint = f"{scheme}://{rest}"
    # A local endpoint: standard retries (adaptive mode's client-side rate limiter falls to ~1 call/s
    # against an injected throttle rate) and a short connect timeout, so a wrong URL fails in seconds.
    cfg = config("standard", 5, connect_timeout=3)
    if query.get("profile") or os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"):
        session = boto3.Session(profile_name=query.get("profile"), region_name=region)
        return session.client(name, endpoint_url=endpoint, config=cfg)
    return boto3.Session(region_name=region).client(
        name,
        endpoint_url=endpoint,
        config=cfg,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def local_service(client) -> Service | None:
    """The in-process Service behind a client made by ``connect`` for a local URL, else None."""
    try:
        return _clients.get(client)
    except TypeError:
        return None
