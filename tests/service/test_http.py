"""``lineage serve`` itself: the wire protocol, its errors, signals, binding, the store file."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from lineage_magics.connect import connect


def post(url, body: bytes, target: str | None = "SageMaker.ListContexts"):
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if target:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_json_protocol(http_server):
    status, headers, body = post(http_server.url, b"{}")
    assert status == 200 and headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "ContextSummaries" in body and headers["x-amzn-RequestId"]
    status, _, body = post(
        http_server.url,
        json.dumps({"ContextName": "wire-ctx", "ContextType": "T", "Source": {"SourceUri": "u"}}).encode(),
        "SageMaker.CreateContext",
    )
    assert status == 200 and body["ContextArn"].endswith("context/wire-ctx")
    _, _, body = post(http_server.url, b'{"ContextName": "wire-ctx"}', "SageMaker.DescribeContext")
    assert isinstance(body["CreationTime"], float)  # timestamps are epoch seconds on the wire


def test_wire_errors(http_server):
    status, _, body = post(http_server.url, b"{not json")
    assert status == 400 and body["__type"] == "SerializationException"
    status, _, body = post(http_server.url, b"[1, 2]")
    assert status == 400 and body["__type"] == "SerializationException"
    status, _, body = post(http_server.url, b"{}", target=None)
    assert status == 400 and body["__type"] == "UnknownOperationException"
    status, _, body = post(http_server.url, b"{}", "SageMaker.CreateTrainingJob")
    assert status == 400 and "CreateTrainingJob" in body["message"]
    status, _, body = post(http_server.url, b'{"ContextName": "nope-nope"}', "SageMaker.DescribeContext")
    assert status == 400 and body == {
        "__type": "ResourceNotFound",
        "message": "Context 'arn:aws:sagemaker:us-east-1:000000000000:context/nope-nope' does not exist.",
    }
    status, _, body = post(http_server.url, b'{"StartArns": "not-a-list"}', "SageMaker.QueryLineage")
    assert status in (400, 500) and "Traceback" not in json.dumps(body) and set(body) == {"__type", "message"}
    with urllib.request.urlopen(http_server.url, timeout=30) as response:
        assert response.status == 200
    request = urllib.request.Request(http_server.url, method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)
    assert info.value.code == 405


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_clean_shutdown(sig, servers):
    server = servers()
    server.client().list_contexts()
    server.proc.send_signal(sig)
    assert server.proc.wait(timeout=20) == 0
    assert "stopped" in server.proc.stdout.read()
    assert "Traceback" not in server.proc.stderr.read()


def test_file_store_shared_with_in_process_client(tmp_path, servers):
    path = tmp_path / "served.db"
    server = servers("--db", str(path))
    try:
        remote = server.client()
        remote.create_context(ContextName="from-http", ContextType="T", Source={"SourceUri": "u"})
        local = connect(f"sqlite:///{path}")
        assert local.describe_context(ContextName="from-http")["ContextName"] == "from-http"
        local.create_context(ContextName="from-kernel", ContextType="T", Source={"SourceUri": "u"})
        assert remote.describe_context(ContextName="from-kernel")["ContextName"] == "from-kernel"
    finally:
        assert server.stop()[0] == 0


def run_cli(*args, timeout=30):
    return subprocess.run(
        [sys.executable, "-m", "lineage_magics.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def test_port_in_use_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("serve", "--memory", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 1 and "cannot listen" in result.stderr and "Traceback" not in result.stderr


def test_bad_store_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 200)
    result = run_cli("serve", "--db", str(junk), "--port", "0")
    assert result.returncode == 2 and "not a lineage-magics store" in result.stderr
    assert junk.read_bytes() == b"not sqlite" * 200


def test_an_account_no_arn_can_hold_is_one_line(tmp_path):
    result = run_cli("serve", "--db", str(tmp_path / "new.db"), "--account", "12-34", "--port", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "lineage serve: region 'us-east-1' / account '12-34': a region is lower-case letters, digits and "
        "hyphens (us-east-1), an account id 12 digits"
    ]
    assert not (tmp_path / "new.db").exists()


def test_warning_when_not_loopback(servers):
    _, err = servers("--host", "0.0.0.0").stop()
    assert "WARNING: listening on 0.0.0.0, not loopback" in err


def test_cli_usage():
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    for flag in ("--db", "--memory", "--host", "--port", "--latency", "--throttle-rate", "--error-rate"):
        assert flag in result.stdout
    assert run_cli().returncode == 2
    assert run_cli("serve", "--throttle-rate", "2").returncode == 2
