"""Associations: the ordered pair as key, optional type, endpoint rules, summaries, filters."""

from __future__ import annotations

import pytest


@pytest.fixture
def trio(b, u):
    data = b.artifact(f"s3://{u}/data", "DataSet", name="data")
    train = b.action(f"{u}-train", "TrainingJob")
    model = b.artifact(f"s3://{u}/model", "Model", name="model")
    b.link(data, train, "ContributedTo")
    b.link(train, model, "Produced")
    return data, train, model


def test_add_returns_the_pair(sm, b, u):
    ctx = b.context(f"{u}-c")
    act = b.action(f"{u}-a")
    out = sm.add_association(SourceArn=ctx, DestinationArn=act, AssociationType="AssociatedWith")
    assert (out["SourceArn"], out["DestinationArn"]) == (ctx, act)


def test_summaries_carry_names_and_types(sm, trio):
    data, train, model = trio
    (summary,) = sm.list_associations(SourceArn=data)["AssociationSummaries"]
    assert summary["SourceArn"] == data and summary["DestinationArn"] == train
    assert summary["SourceName"] == "data" and summary["DestinationName"].endswith("-train")
    assert summary["SourceType"] == "DataSet" and summary["DestinationType"] == "TrainingJob"
    assert summary["AssociationType"] == "ContributedTo"
    assert "CreationTime" in summary
    (incoming,) = sm.list_associations(DestinationArn=model)["AssociationSummaries"]
    assert incoming["SourceArn"] == train and incoming["AssociationType"] == "Produced"


def test_type_is_optional_and_omitted(sm, b, u):
    ctx = b.context(f"{u}-c")
    act = b.action(f"{u}-a")
    b.link(ctx, act)
    (summary,) = sm.list_associations(SourceArn=ctx)["AssociationSummaries"]
    assert "AssociationType" not in summary


def test_duplicate_pair(sm, b, trio):
    data, train, _ = trio
    code, message = b.error(b.link, data, train, "AssociatedWith")
    assert code == "ValidationException" and "already exists" in message
    b.link(train, data)  # the reverse pair is another association


def test_unknown_endpoint(sm, b, u, trio):
    data = trio[0]
    ghost = f"arn:aws:sagemaker:us-east-1:000000000000:context/{u}-ghost"
    code, message = b.error(b.link, data, ghost)
    assert code == "ResourceNotFound" and ghost in message
    code, _ = b.error(b.link, ghost, data)
    assert code == "ResourceNotFound"


def test_trial_arn_is_not_an_endpoint(sm, b, u, trio):
    sm.create_experiment(ExperimentName=f"{u}-exp")
    trial = sm.create_trial(TrialName=f"{u}-trial", ExperimentName=f"{u}-exp")["TrialArn"]
    code, message = b.error(b.link, trio[0], trial)
    assert code == "ValidationException"
    assert (
        "at 'destinationArn' failed to satisfy constraint: Member must satisfy regular expression pattern"
        in message
    )


def test_not_between_two_experiment_entities(sm, b, u, trio):
    exp = sm.create_experiment(ExperimentName=f"{u}-exp")["ExperimentArn"]
    tc = sm.create_trial_component(TrialComponentName=f"{u}-tc")["TrialComponentArn"]
    code, message = b.error(b.link, exp, tc)
    assert code == "ValidationException" and "two experiment entities" in message
    b.link(tc, trio[0], "Produced")  # a trial component and an artifact are fine
    b.link(trio[0], exp)


def test_bad_association_type(sm, b, trio):
    code, message = b.error(b.link, trio[2], trio[0], "Foo")
    assert code == "ValidationException"
    assert (
        "Member must satisfy enum value set: [ContributedTo, AssociatedWith, DerivedFrom, Produced, SameAs]"
        in message
    )


def test_delete_association(sm, b, trio):
    data, train, _ = trio
    assert sm.delete_association(SourceArn=data, DestinationArn=train)["SourceArn"] == data
    assert sm.list_associations(SourceArn=data)["AssociationSummaries"] == []
    code, _ = b.error(sm.delete_association, SourceArn=data, DestinationArn=train)
    assert code == "ResourceNotFound"


def test_list_filters(sm, b, u, trio):
    data, train, model = trio
    ctx = b.context(f"{u}-ctx", "Endpoint")
    b.link(model, ctx, "AssociatedWith")
    by_type = sm.list_associations(SourceArn=model, AssociationType="AssociatedWith")["AssociationSummaries"]
    assert [s["DestinationArn"] for s in by_type] == [ctx]
    assert sm.list_associations(SourceArn=model, AssociationType="Produced")["AssociationSummaries"] == []
    dest = sm.list_associations(DestinationType="Endpoint", SourceArn=model)["AssociationSummaries"]
    assert [s["DestinationArn"] for s in dest] == [ctx]
    src = sm.list_associations(SourceType="TrainingJob", DestinationArn=model)["AssociationSummaries"]
    assert [s["SourceArn"] for s in src] == [train]
    ghost = f"arn:aws:sagemaker:us-east-1:000000000000:context/{u}-none"
    assert sm.list_associations(SourceArn=ghost)["AssociationSummaries"] == []


def test_list_sorting(sm, b, u):
    hub = b.action(f"{u}-hub")
    arts = [b.artifact(f"s3://{u}/{i}") for i in range(5)]
    for arn in arts:
        b.link(arn, hub)
    default = [s["SourceArn"] for s in sm.list_associations(DestinationArn=hub)["AssociationSummaries"]]
    assert default == arts[::-1]  # CreationTime, Descending
    ascending = sm.list_associations(DestinationArn=hub, SortBy="CreationTime", SortOrder="Ascending")
    assert [s["SourceArn"] for s in ascending["AssociationSummaries"]] == arts
    by_arn = sm.list_associations(DestinationArn=hub, SortBy="SourceArn", SortOrder="Ascending")
    assert [s["SourceArn"] for s in by_arn["AssociationSummaries"]] == sorted(arts)
