"""Fixtures: the same SageMaker client checks run in-process and over HTTP against ``lineage serve``."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from lineage_magics.connect import connect, local_service


class Builder:
    """Short builders over a SageMaker client, for arranging graphs in tests."""

    def __init__(self, sm):
        self.sm = sm

    def context(self, name, type="Workflow", uri=None, **kw):
        source = {"SourceUri": uri or f"uri://{name}"}
        return self.sm.create_context(ContextName=name, ContextType=type, Source=source, **kw)["ContextArn"]

    def action(self, name, type="Train", uri=None, **kw):
        source = {"SourceUri": uri or f"uri://{name}"}
        return self.sm.create_action(ActionName=name, ActionType=type, Source=source, **kw)["ActionArn"]

    def artifact(self, uri, type="DataSet", name=None, **kw):
        if name:
            kw["ArtifactName"] = name
        return self.sm.create_artifact(ArtifactType=type, Source={"SourceUri": uri}, **kw)["ArtifactArn"]

    def link(self, src, dst, type=None):
        kw = {"AssociationType": type} if type else {}
        self.sm.add_association(SourceArn=src, DestinationArn=dst, **kw)

    @staticmethod
    def error(call, *args, **kwargs) -> tuple[str, str]:
        """Run a call that must fail with a ClientError; return (code, message)."""
        with pytest.raises(ClientError) as info:
            call(*args, **kwargs)
        err = info.value.response["Error"]
        return err["Code"], err["Message"]


def _flags(latency=None, throttle_rate=None, error_rate=None, limits=None,
           refuse_delete_with_associations=None, seed=None):  # fmt: skip
    flags = []
    if latency is not None:
        flags += ["--latency", str(latency)]
    if throttle_rate is not None:
        flags += ["--throttle-rate", str(throttle_rate)]
    if error_rate is not None:
        flags += ["--error-rate", str(error_rate)]
    if seed is not None:
        flags += ["--seed", str(seed)]
    for kind, value in (limits or {}).items():
        flags += ["--limit", f"{kind}={value}"]
    if refuse_delete_with_associations is False:
        flags.append("--allow-delete-with-associations")
    return flags


@pytest.fixture(scope="session")
def http_server(session_servers):
    server = session_servers()
    yield server
    assert server.stop()[0] == 0


@pytest.fixture(params=["memory", "http"])
def kind(request):
    return request.param


@pytest.fixture
def sm(kind, request):
    """A SageMaker client: in-process (fresh memory store) or over HTTP (one shared server)."""
    if kind == "memory":
        return connect("memory://")
    return request.getfixturevalue("http_server").client()


@pytest.fixture
def configured(kind, servers):
    """``configured(**service.configure options) -> client`` on a fresh backend with those settings."""

    def make(**options):
        if kind == "memory":
            client = connect("memory://")
            local_service(client).configure(**options)
            return client
        return servers(*_flags(**options)).client(retries={"total_max_attempts": 1})

    return make


@pytest.fixture
def b(sm):
    return Builder(sm)


@pytest.fixture
def u():
    """A unique token for names and types, so tests never see each other's entities."""
    return "t" + uuid.uuid4().hex[:10]
