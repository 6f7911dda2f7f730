"""A create whose first attempt committed but answered a server error is not reported as a duplicate."""

import json

import pytest
from botocore.awsrequest import AWSResponse

from lineage_magics import LineageClient
from lineage_magics.connect import connect
from lineage_magics.errors import ServiceError


def _commit_then_fail(client, operation):
    """Make the first ``operation`` call commit (through a second client on the same store) and then
    answer InternalFailure, as a service does when it fails after writing."""
    writer = connect(client._lineage_url)
    state = {"failed": False}

    def hook(model, params, **_):
        if model.name != operation or state["failed"]:
            return None
        state["failed"] = True
        method = {v: k for k, v in writer.meta.method_to_api_mapping.items()}[operation]
        getattr(writer, method)(**json.loads(params["body"]))
        return AWSResponse("http://local", 500, {}, None), {
            "Error": {"Code": "InternalFailure", "Message": "We encountered an internal error."},
            "ResponseMetadata": {"HTTPStatusCode": 500},
        }

    client.meta.events.register_first("before-call.sagemaker.*", hook)
    return state


@pytest.fixture
def lc(tmp_path):
    url = f"sqlite:///{tmp_path}/store.db"
    client = connect(url)
    client._lineage_url = url
    return LineageClient(client, progress=False, retry_base=0.001)


@pytest.mark.parametrize(
    "operation, create",
    [
        ("CreateContext", lambda lc: lc.create_context("ctx-1", "Workflow")),
        ("CreateAction", lambda lc: lc.create_action("act-1", "Training")),
        ("CreateArtifact", lambda lc: lc.create_artifact("s3://b/data.csv", "DataSet", name="data")),
    ],
)
def test_create_committed_before_a_server_error_returns_the_entity(lc, operation, create):
    state = _commit_then_fail(lc.sagemaker, operation)
    entity = create(lc)
    assert state["failed"]
    assert entity.arn and lc.get(entity.arn).arn == entity.arn
    kind = {"CreateContext": "contexts", "CreateAction": "actions", "CreateArtifact": "artifacts"}[operation]
    assert len(lc.list(kind)) == 1


def test_a_real_duplicate_is_still_refused(lc):
    lc.create_context("ctx-1", "Workflow")
    with pytest.raises(ServiceError, match="already exists"):
        lc.create_context("ctx-1", "Workflow")
