"""Fixtures: the same SageMaker client checks run in-process and (stage 2) over HTTP."""

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


@pytest.fixture(params=["memory"])
def backend(request):
    """A fresh backend: ``(client, configure)``; ``configure(**kw)`` sets limits and faults."""
    client = connect("memory://")
    return client, local_service(client).configure


@pytest.fixture
def sm(backend):
    return backend[0]


@pytest.fixture
def configure(backend):
    return backend[1]


@pytest.fixture
def b(sm):
    return Builder(sm)


@pytest.fixture
def u():
    """A unique token for names and types, so tests never see each other's entities."""
    return "t" + uuid.uuid4().hex[:10]
