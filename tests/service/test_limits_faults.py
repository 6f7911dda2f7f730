"""Manual-entity limits with AWS's message, delete-with-associations setting, fault injection."""

from __future__ import annotations

import pytest


def test_artifact_limit_message(sm, b, u, configure):
    configure(limits={"artifacts": 2})
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
def test_other_limits(sm, b, u, configure, kind):
    configure(limits={kind: 1})
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
    from lineage_magics.connect import connect, local_service

    return local_service(connect("memory://")).counts()


def test_cascading_delete_when_configured(sm, b, u, configure):
    configure(refuse_delete_with_associations=False)
    act = b.action(f"{u}-a")
    art = b.artifact(f"s3://{u}/x")
    b.link(art, act)
    sm.delete_action(ActionName=f"{u}-a")
    assert sm.list_associations(SourceArn=art)["AssociationSummaries"] == []


def test_throttling(sm, b, u, configure):
    configure(throttle_rate=1.0)
    code, message = b.error(sm.list_contexts)
    assert (code, message) == ("ThrottlingException", "Rate exceeded")
    configure(throttle_rate=0.0, error_rate=1.0)
    with pytest.raises(Exception) as info:
        sm.list_contexts()
    response = info.value.response
    assert response["Error"]["Code"] == "InternalFailure"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    configure(error_rate=0.0)
    sm.list_contexts()


def test_faults_come_before_the_store(sm, b, u, configure):
    configure(throttle_rate=1.0)
    b.error(b.context, f"{u}-c")
    configure(throttle_rate=0.0)
    assert b.error(sm.describe_context, ContextName=f"{u}-c")[0] == "ResourceNotFound"


def test_seeded_share(configure, sm, b):
    configure(throttle_rate=0.5, seed=7)
    outcomes = []
    for _ in range(200):
        try:
            sm.list_contexts()
            outcomes.append(True)
        except sm.exceptions.ClientError:
            outcomes.append(False)
    assert 60 < outcomes.count(False) < 140
