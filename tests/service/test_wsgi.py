"""The WSGI app of ``lineage serve`` called directly: the request-check seam and the target header."""

from __future__ import annotations

import io
import json

from lineage_magics.service import Service, ServiceFault
from lineage_magics.service.http import make_app


def call(app, body: bytes, target: str, **headers):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_AMZ_TARGET": target,
        **headers,
    }
    seen = {}

    def start_response(status, response_headers):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(response_headers)

    out = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], json.loads(out)


def test_request_check_can_refuse():
    def check(operation, environ, body):
        if environ.get("HTTP_AUTHORIZATION") != "ok":
            raise ServiceFault(
                "UnrecognizedClientException", "The security token included in the request is invalid."
            )

    app = make_app(Service(), request_check=check)
    status, _, body = call(app, b"{}", "SageMaker.ListContexts")
    assert status == 400 and body["__type"] == "UnrecognizedClientException"
    status, headers, body = call(app, b"{}", "SageMaker.ListContexts", HTTP_AUTHORIZATION="ok")
    assert status == 200 and body == {"ContextSummaries": []}
    assert headers["Content-Type"] == "application/x-amz-json-1.1"


def test_other_target_prefix_is_refused():
    status, _, body = call(make_app(Service()), b"{}", "AmazonS3.ListBuckets")
    assert status == 400 and body["__type"] == "UnknownOperationException"


def test_unexpected_errors_stay_one_line():
    def check(operation, environ, body):
        raise RuntimeError("boom")

    status, _, body = call(make_app(Service(), request_check=check), b"{}", "SageMaker.ListContexts")
    assert status == 500 and body == {"__type": "InternalFailure", "message": "RuntimeError: boom"}
