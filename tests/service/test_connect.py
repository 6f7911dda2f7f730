"""connect(): URLs, the default store, local_service, in-process behaviour of botocore."""

from __future__ import annotations

import os

import pytest
from botocore.exceptions import ParamValidationError

from lineage_magics.connect import connect, local_service


def test_memory_urls(tmp_path):
    a, b = connect("memory://"), connect("memory://")
    a.create_context(ContextName="x", ContextType="T", Source={"SourceUri": "u"})
    assert b.list_contexts()["ContextSummaries"] == []  # memory:// is fresh every time
    n1, n2 = connect("memory://shared-test"), connect("memory://shared-test")
    n1.create_context(ContextName="x", ContextType="T", Source={"SourceUri": "u"})
    assert len(n2.list_contexts()["ContextSummaries"]) == 1
    assert local_service(n1) is local_service(n2)


def test_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rel = connect("sqlite:///rel.db")
    assert local_service(rel).store.path == str(tmp_path / "rel.db")
    absolute = connect(f"sqlite:///{tmp_path}/abs.db")
    assert local_service(absolute).store.path == str(tmp_path / "abs.db")
    assert os.path.exists(tmp_path / "abs.db")
    monkeypatch.setenv("HOME", str(tmp_path))
    home = connect("sqlite:///~/nested/h.db")
    assert local_service(home).store.path == str(tmp_path / "nested" / "h.db")


def test_default_url_and_env(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("LINEAGE_MAGICS_URL", raising=False)
    client = connect()
    assert local_service(client).store.path == str(tmp_path / ".lineage_magics" / "lineage.db")
    monkeypatch.setenv("LINEAGE_MAGICS_URL", f"sqlite:///{tmp_path}/env.db")
    assert local_service(connect()).store.path == str(tmp_path / "env.db")


def test_query_keys(tmp_path):
    client = connect(
        f"sqlite:///{tmp_path}/q.db?limit_contexts=1&throttle=0&seed=3&refuse_delete=0&latency=0"
    )
    service = local_service(client)
    assert service.limits["contexts"] == 1 and service.refuse_delete_with_associations is False
    with pytest.raises(ValueError, match="unknown URL key"):
        connect("memory://?throttel=0.3")
    region = connect("memory://?region=eu-west-1&account=123456789012")
    arn = region.create_context(ContextName="x", ContextType="T", Source={"SourceUri": "u"})["ContextArn"]
    assert arn == "arn:aws:sagemaker:eu-west-1:123456789012:context/x"
    assert region.meta.region_name == "eu-west-1"


def test_no_credentials_needed(monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    client = connect("memory://")
    assert client.list_contexts()["ContextSummaries"] == []


def test_botocore_validation_still_runs():
    client = connect("memory://")
    with pytest.raises(ParamValidationError):
        client.create_context(ContextName="x", Source={"SourceUri": "u"})  # ContextType missing
    with pytest.raises(ParamValidationError):
        client.list_contexts(MaxResults=0)


def test_unsupported_operation_is_named():
    client = connect("memory://")
    with pytest.raises(client.exceptions.ClientError) as info:
        client.list_training_jobs()
    assert "ListTrainingJobs" in info.value.response["Error"]["Message"]
    assert "does not support" in info.value.response["Error"]["Message"]


def test_remote_urls(monkeypatch):
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    real = connect("sagemaker://eu-west-1")
    assert real.meta.region_name == "eu-west-1"
    assert real.meta.config.retries["mode"] == "adaptive" and local_service(real) is None
    http = connect("http://127.0.0.1:8700")
    assert http.meta.endpoint_url == "http://127.0.0.1:8700" and local_service(http) is None
    with pytest.raises(ValueError, match="scheme"):
        connect("ftp://x")
    with pytest.raises(ValueError, match="not a lineage URL"):
        connect("lineage.db")
