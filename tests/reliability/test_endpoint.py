"""``lineage serve`` as a shared endpoint: loopback by default, SigV4 against shared keys, size
limits, SerializationException for malformed JSON, never a stack trace in a body."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import socket

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

KEY, SECRET = "AKIDLINEAGETEST", "s3cr3t-Shared/Key+1"
FILE_KEY, FILE_SECRET = "AKIDFROMFILE", "file-secret-2"
ENV_KEY, ENV_SECRET = "AKIDFROMENV", "env-secret-3"


def client(server, key: str, secret: str):
    return boto3.client(
        "sagemaker", endpoint_url=server.url, region_name="eu-west-1", aws_access_key_id=key,
        aws_secret_access_key=secret, config=Config(retries={"total_max_attempts": 1}),
    )  # fmt: skip


def error(call, **kwargs) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    r = info.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"].get("Message", "")


class OldSigner(SigV4Auth):
    """botocore's signer at a chosen time (for the clock-skew checks)."""

    def __init__(self, credentials, when: dt.datetime):
        super().__init__(credentials, "sagemaker", "us-east-1")
        self.when = when

    def add_auth(self, request):
        request.context["timestamp"] = self.when.strftime("%Y%m%dT%H%M%SZ")
        self._modify_request_before_signing(request)
        canonical = self.canonical_request(request)
        self._inject_signature_to_request(
            request, self.signature(self.string_to_sign(request, canonical), request)
        )


def signed(server, body: bytes, target: str = "SageMaker.ListContexts", *, key=KEY, secret=SECRET, when=None):
    request = AWSRequest(method="POST", url=server.url + "/", data=body,
                         headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})  # fmt: skip
    credentials = Credentials(key, secret)
    signer = OldSigner(credentials, when) if when else SigV4Auth(credentials, "sagemaker", "us-east-1")
    signer.add_auth(request)
    return request


def send(server, method: str, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def send_request(server, request: AWSRequest, *, body: bytes | None = None, path: str = "/", **changes):
    headers = {k: v for k, v in request.headers.items()}
    headers.update(changes)
    return send(server, "POST", path, request.body if body is None else body, headers)


def no_trace(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    assert "Traceback" not in text and 'File "' not in text and SECRET not in text


@pytest.fixture(scope="module")
def secured(tmp_path_factory, session_servers):
    folder = tmp_path_factory.mktemp("keys")
    keys = folder / "keys.txt"
    keys.write_text(f"# team keys\n{FILE_KEY}:{FILE_SECRET}\n\n")
    server = session_servers("--access-key", f"{KEY}:{SECRET}", "--auth-keys", str(keys),
                             env={"LINEAGE_SERVE_ACCESS_KEYS": f"{ENV_KEY}:{ENV_SECRET}"})  # fmt: skip
    yield server
    code, err = server.stop()
    assert code == 0
    assert "verifying SigV4 signatures (3 access keys)" in err
    for secret in (SECRET, FILE_SECRET, ENV_SECRET):
        assert secret not in err
    no_trace(err.encode())


def test_loopback_by_default_and_a_warning_elsewhere(servers):
    local = servers()
    assert local.url.startswith("http://127.0.0.1:")
    local.client().list_contexts()
    code, err = local.stop()
    assert code == 0 and "WARNING" not in err

    wide = servers("--host", "0.0.0.0")
    wide.client().list_contexts()
    code, err = wide.stop()
    assert "WARNING: listening on 0.0.0.0, not loopback" in err


@pytest.mark.parametrize("key,secret", [(KEY, SECRET), (FILE_KEY, FILE_SECRET), (ENV_KEY, ENV_SECRET)])
def test_boto3_with_the_right_keys_works(secured, key, secret):
    sm = client(secured, key, secret)
    name = f"ok-{key.lower()}"
    sm.create_context(ContextName=name, ContextType="T", Source={"SourceUri": "u://x"})
    assert name in {c["ContextName"] for c in sm.list_contexts(MaxResults=100)["ContextSummaries"]}


def test_unknown_key_and_wrong_secret_are_refused_as_aws_does(secured):
    assert error(client(secured, "AKIDUNKNOWN", SECRET).list_contexts)[:2] == (
        "UnrecognizedClientException",
        403,
    )
    code, status, message = error(client(secured, KEY, "wrong-secret").list_contexts)
    assert (code, status) == ("InvalidSignatureException", 403)
    assert message.startswith("The request signature we calculated does not match")
    # a key of one source with the secret of another
    assert error(client(secured, FILE_KEY, ENV_SECRET).list_contexts)[:2] == (
        "InvalidSignatureException",
        403,
    )


def test_tampered_requests_are_refused(secured):
    request = signed(secured, b'{"MaxResults": 5}')
    assert send_request(secured, request)[0] == 200  # the control: untouched, it is answered
    for status, body in (
        send_request(secured, request, body=b'{"MaxResults": 6}'),
        send_request(secured, request, **{"X-Amz-Target": "SageMaker.DeleteContext"}),
        send_request(secured, request, path="/?extra=1"),
        send_request(secured, request, **{"X-Amz-Date": "20200101T000000Z"}),
        send_request(secured, request, Authorization=request.headers["Authorization"][:-4] + "0000"),
    ):
        assert status == 403, body
        assert json.loads(body)["__type"] == "InvalidSignatureException"
        no_trace(body)


def test_clock_skew_of_fifteen_minutes(secured):
    now = dt.datetime.now(dt.timezone.utc)
    assert send_request(secured, signed(secured, b"{}", when=now - dt.timedelta(minutes=10)))[0] == 200
    for when in (now - dt.timedelta(minutes=20), now + dt.timedelta(minutes=20)):
        status, body = send_request(secured, signed(secured, b"{}", when=when))
        assert status == 403 and json.loads(body)["__type"] == "InvalidSignatureException"
        assert "Signature expired" in json.loads(body)["message"]


def test_missing_or_malformed_authorization(secured):
    headers = {"X-Amz-Target": "SageMaker.ListContexts", "Content-Type": "application/x-amz-json-1.1"}
    status, body = send(secured, "POST", "/", b"{}", headers)
    assert (status, json.loads(body)["__type"]) == (403, "MissingAuthenticationTokenException")
    status, body = send(
        secured, "POST", "/", b"{}", {**headers, "Authorization": "AWS4-HMAC-SHA256 nonsense"}
    )
    assert (status, json.loads(body)["__type"]) == (400, "IncompleteSignatureException")


def test_malformed_json_is_a_serialization_exception(secured):
    nested = b"[" * 100_000 + b"]" * 100_000  # deeper than Python's recursion limit
    for body in (
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'"text"',
        b"{" * 100_000 + b"}" * 100_000,
        nested,
    ):
        status, answer = send_request(secured, signed(secured, body))
        assert status == 400, (body[:20], answer)
        assert json.loads(answer)["__type"] == "SerializationException"
        no_trace(answer)


def test_size_limits(secured, servers):
    big = b'{"ContextName": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    status, answer = send_request(secured, signed(secured, big, "SageMaker.DescribeContext"))
    assert status == 413 and json.loads(answer)["__type"] == "RequestEntityTooLargeException"
    small = servers("--max-body-size", "1000")
    sm = small.client()
    assert error(sm.create_context, ContextName="c", ContextType="T" * 250,
                 Source={"SourceUri": "u" * 900})[:2] == ("RequestEntityTooLargeException", 413)  # fmt: skip
    sm.create_context(ContextName="c", ContextType="T", Source={"SourceUri": "u"})  # the server goes on
    # a body announced far beyond the limit is refused before it is sent (or buffered)
    with socket.create_connection(("127.0.0.1", secured.port), timeout=30) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: SageMaker.ListContexts\r\n"
                     b"Content-Length: 52428800\r\n\r\n")  # fmt: skip
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")
    no_trace(answer)
    assert client(secured, KEY, SECRET).list_contexts()["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--access-key", "no-colon-here"], "ACCESS_KEY_ID:SECRET"),
        (["--auth-keys", "/nonexistent/keys.txt"], "No such file"),
        (["--auth-keys", "BADFILE"], "line 2"),
    ],
)
def test_bad_key_configuration_is_refused_without_showing_secrets(tmp_path, flags, message):
    import subprocess
    import sys

    from .conftest import REPO

    bad = tmp_path / "keys.txt"
    bad.write_text("AKIDGOOD:good-secret-9\nthis line leaks-a-secret-9\n")
    flags = [str(bad) if f == "BADFILE" else f for f in flags]
    done = subprocess.run([sys.executable, "-m", "lineage_magics.cli", "serve", "--memory", "--port", "0", *flags],
                          capture_output=True, text=True, cwd=REPO, timeout=60)  # fmt: skip
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr and "secret-9" not in done.stderr + done.stdout
