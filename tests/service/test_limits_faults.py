"""Manual-entity limits with AWS's message, delete-with-associations setting, fault injection."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from lineage_magics.connect import connect, local_service

from .conftest import Builder


def test_artifact_limit_message(configured, u):
    sm = configured(limits={"artifacts": 2})
    b = Builder(sm)
    b.artifact(f"s3://{u}/1")
    b.artifact(f"s3://{u}/2")
    code, message = b.error(b.artifact, f"s3://{u}/3")
    assert code == "ResourceLimitExceeded"
    assert message == (
        "The account-level service limit 'Total number of artifacts allowed, excluding those automatically "
        "created by SageMaker' is 2 Artifacts, with current utilization of 2 Artifacts and a request delta of "
        "1 Artifacts."
    )
    with pytest.raises(sm.exceptions.ResourceLimitExceeded):
        b.artifact(f"s3://{u}/3")
    sm.delete_artifact(Source={"SourceUri": f"s3://{u}/1"})
    b.artifact(f"s3://{u}/3")  # deleting frees the slot


@pytest.mark.parametrize("kind", ["contexts", "actions", "associations"])
def test_other_limits(configured, u, kind):
    b = Builder(configured(limits={kind: 1}))
    hub = b.context(f"{u}-hub") if kind != "contexts" else None
    make = {
        "contexts": lambda i: b.context(f"{u}-{i}"),
        "actions": lambda i: b.action(f"{u}-{i}"),
        "associations": lambda i: b.link(hub, b.action(f"{u}-{i}")),
    }[kind]
    make(0)
    code, message = b.error(make, 1)
    assert code == "ResourceLimitExceeded"
    assert (
        f"'Total number of {kind} allowed, excluding those automatically created by SageMaker' is 1 "
        in message
    )


def test_default_limits(service_counts):
    assert service_counts == {"contexts": (0, 500), "actions": (0, 3000), "artifacts": (0, 6000),
                              "associations": (0, 6000)}  # fmt: skip


@pytest.fixture
def service_counts():
    return local_service(connect("memory://")).counts()


def test_cascading_delete_when_configured(configured, u):
    sm = configured(refuse_delete_with_associations=False)
    b = Builder(sm)
    act = b.action(f"{u}-a")
    art = b.artifact(f"s3://{u}/x")
    b.link(art, act)
    sm.delete_action(ActionName=f"{u}-a")
    assert sm.list_associations(SourceArn=art)["AssociationSummaries"] == []


def test_throttling(configured):
    code, message = Builder.error(configured(throttle_rate=1.0).list_contexts)
    assert (code, message) == ("ThrottlingException", "Rate exceeded")


def test_internal_failure(configured):
    with pytest.raises(ClientError) as info:
        configured(error_rate=1.0).list_contexts()
    response = info.value.response
    assert response["Error"]["Code"] == "InternalFailure"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_faults_come_before_the_store(u):
    sm = connect("memory://")
    service = local_service(sm)
    service.configure(throttle_rate=1.0)
    Builder.error(Builder(sm).context, f"{u}-c")
    service.configure(throttle_rate=0.0)
    assert Builder.error(sm.describe_context, ContextName=f"{u}-c")[0] == "ResourceNotFound"


def test_latency(configured):
    sm = configured(latency=0.2)
    started = time.monotonic()
    sm.list_contexts()
    assert time.monotonic() - started >= 0.2


def test_seeded_share(configured):
    sm = configured(throttle_rate=0.5, seed=7)
    outcomes = []
    for _ in range(100):
        try:
            sm.list_contexts()
            outcomes.append(True)
        except ClientError:
            outcomes.append(False)
    assert 25 < outcomes.count(False) < 75
