"""The same client over HTTP (``lineage serve``): the path real SageMaker takes (no local fast
paths), plus the connection and credential errors at the public boundary."""

from __future__ import annotations

import math

import pytest

from lineage_magics import LineageClient, crud
from lineage_magics.errors import LineageError, ServiceError

from .conftest import CallCounter
from .test_copy_diff_impact import contents, run_spec
from .test_trace import star


def test_copy_local_to_http_and_back(lc, serve, tmp_path):
    lc.apply(run_spec("run-1"))
    remote = LineageClient(serve(), progress=False)
    first = lc.copy(remote)
    assert not first.bulk and not first.errors
    assert first.created == {"contexts": 2, "actions": 1, "artifacts": 2, "associations": 7}
    assert contents(remote) == contents(lc)
    again = lc.copy(remote)
    assert not again.changed and again.existing["associations"] == 7
    back = LineageClient(f"sqlite:///{tmp_path / 'back.db'}", progress=False)
    assert remote.copy(back).bulk
    assert contents(back) == contents(lc)


def test_trace_pages_over_http(serve):
    remote = LineageClient(serve(), progress=False)
    ctx, arts, _ = star(remote, 160)
    counter = CallCounter(remote.sagemaker)
    g = remote.trace(ctx, depth=1)
    assert len(g.vertices) == 161
    assert counter["QueryLineage"] == math.ceil(161 / 50)
    assert counter["DescribeArtifact"] == 0  # artifacts are described when first shown or read
    assert all(v.name for v in g.hydrate().vertices)
    assert counter["DescribeArtifact"] == len(arts)
    assert counter.total == counter["QueryLineage"] + counter["DescribeArtifact"]


def test_throttled_cleanup_over_http_without_botocore_retries(serve):
    """Any client works: botocore retries nothing here, the client's own back-off absorbs throttling."""
    import boto3
    from botocore.config import Config

    raw = boto3.client(
        "sagemaker",
        endpoint_url=serve("--throttle-rate", "0.3", "--seed", "5"),
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    remote = LineageClient(raw, progress=False, max_workers=4)
    remote.api.retry_base = 0.005
    counter = CallCounter(raw)
    ctx = crud.create(remote.api, "context", name="wf", type="Workflow")
    for i in range(60):
        crud.add_association(
            remote.api, ctx, crud.create(remote.api, "action", name=f"a{i}", type="Step"), "AssociatedWith"
        )
    report = remote.cleanup("wf")
    assert counter.errors["ThrottlingException"] > 30
    assert report.ok and len(report.deleted_associations) == 60 and len(report.deleted_entities) == 61
    assert remote.list("actions") == [] and remote.list("associations") == []


def test_bad_url_is_one_line():
    with pytest.raises(LineageError, match="not a lineage URL"):
        LineageClient("nonsense", progress=False)


def test_missing_region_and_credentials_have_hints(monkeypatch, tmp_path):
    import os

    for var in [v for v in os.environ if v.startswith("AWS_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(LineageError, match="no AWS region"):
        LineageClient("sagemaker://", progress=False)
    lc = LineageClient("sagemaker://us-east-1", progress=False)
    with pytest.raises(LineageError, match="no AWS credentials found") as err:
        lc.list("contexts")
    assert "\n" not in str(err.value)


def test_retry_bounds_server_errors_by_count_and_throttling_by_time():
    broken = LineageClient("memory://?error_rate=1&seed=1", progress=False, retry_base=0.0001)
    counter = CallCounter(broken.sagemaker)
    with pytest.raises(ServiceError) as err:
        broken.create_action("a", "T")
    assert err.value.code == "InternalFailure" and counter["CreateAction"] == broken.api.retry_attempts == 5
    refused = LineageClient(
        "memory://?throttle=1&seed=1", progress=False, retry_base=0.0001, retry_budget=0.05
    )
    refused.api.retry_cap = 0.001
    counter = CallCounter(refused.sagemaker)
    with pytest.raises(ServiceError) as err:
        refused.create_action("a", "T")
    assert err.value.code == "ThrottlingException" and counter["CreateAction"] > 5
    assert LineageClient(refused).api.retry_budget == 0.05  # a client made from a client keeps its policy


def test_one_retry_layer_over_http(serve):
    """Against an endpoint that always fails, one call is sent as often as the one policy allows:
    botocore's retries are off in the clients a LineageClient builds, and the Api retries."""
    lc = LineageClient(serve("--error-rate", "1.0"), progress=False, retry_base=0.0001)
    sent = []
    lc.sagemaker.meta.events.register(
        "before-send.sagemaker.*", lambda request, **_: sent.append(request.url)
    )
    with pytest.raises(ServiceError) as err:
        lc.create_action("a", "T")
    assert err.value.code == "InternalFailure"
    assert len(sent) == lc.api.retry_attempts == 5


def test_a_users_client_keeps_its_own_botocore_retries_and_no_more(serve):
    import boto3
    from botocore.config import Config

    raw = boto3.client(
        "sagemaker",
        endpoint_url=serve("--error-rate", "1.0"),
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )
    sent = []
    raw.meta.events.register("before-send.sagemaker.*", lambda request, **_: sent.append(request.url))
    with pytest.raises(ServiceError):
        LineageClient(raw, progress=False).create_action("a", "T")
    assert len(sent) == 3  # botocore's three attempts, not three times the Api's five
