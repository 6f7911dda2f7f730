"""List* operations: pagination through boto3's paginators, sorting, filters, tokens, MaxResults."""

from __future__ import annotations

import time

import pytest


def test_250_contexts_through_the_paginator(sm, b, u):
    made = [b.context(f"{u}-{i:03d}", type=f"T{u}") for i in range(250)]
    pages = list(
        sm.get_paginator("list_contexts").paginate(ContextType=f"T{u}", PaginationConfig={"PageSize": 100})
    )
    seen = [s["ContextArn"] for page in pages for s in page["ContextSummaries"]]
    assert len(pages) == 3 and sorted(seen) == sorted(made) and len(set(seen)) == 250
    assert seen == made[::-1]  # default: CreationTime, Descending


def test_default_page_is_10(sm, b, u):
    for i in range(12):
        b.action(f"{u}-{i}", type=f"T{u}")
    out = sm.list_actions(ActionType=f"T{u}")
    assert len(out["ActionSummaries"]) == 10 and out["NextToken"]
    rest = sm.list_actions(ActionType=f"T{u}", NextToken=out["NextToken"])
    assert len(rest["ActionSummaries"]) == 2 and "NextToken" not in rest


def test_sort_by_name(sm, b, u):
    for name in ("b", "c", "a"):
        b.context(f"{u}-{name}", type=f"T{u}")
    asc = sm.list_contexts(ContextType=f"T{u}", SortBy="Name", SortOrder="Ascending")["ContextSummaries"]
    assert [s["ContextName"] for s in asc] == [f"{u}-a", f"{u}-b", f"{u}-c"]
    desc = sm.list_contexts(ContextType=f"T{u}", SortBy="Name")["ContextSummaries"]
    assert [s["ContextName"] for s in desc] == [f"{u}-c", f"{u}-b", f"{u}-a"]


def test_created_filters_are_inclusive(sm, b, u):
    arns = []
    for i in range(3):
        arns.append(b.artifact(f"s3://{u}/{i}", type=f"T{u}"))
        time.sleep(0.005)
    middle = sm.describe_artifact(ArtifactArn=arns[1])["CreationTime"]
    after = sm.list_artifacts(ArtifactType=f"T{u}", CreatedAfter=middle)["ArtifactSummaries"]
    assert [s["ArtifactArn"] for s in after] == [arns[2], arns[1]]
    before = sm.list_artifacts(ArtifactType=f"T{u}", CreatedBefore=middle, SortOrder="Ascending")
    assert [s["ArtifactArn"] for s in before["ArtifactSummaries"]] == arns[:2]


def test_source_uri_filter(sm, b, u):
    arn = b.artifact(f"s3://{u}/needle", name="n")
    b.artifact(f"s3://{u}/hay")
    (summary,) = sm.list_artifacts(SourceUri=f"s3://{u}/needle")["ArtifactSummaries"]
    assert summary["ArtifactArn"] == arn and summary["ArtifactName"] == "n"
    assert summary["Source"] == {"SourceUri": f"s3://{u}/needle"} and summary["ArtifactType"] == "DataSet"
    b.context(f"{u}-c", uri=f"s3://{u}/ctx")
    assert [s["ContextName"] for s in sm.list_contexts(SourceUri=f"s3://{u}/ctx")["ContextSummaries"]] == [
        f"{u}-c"
    ]


def test_action_summary_has_status(sm, b, u):
    b.action(f"{u}-a", type=f"T{u}", Status="Completed")
    (summary,) = sm.list_actions(ActionType=f"T{u}")["ActionSummaries"]
    assert summary["Status"] == "Completed" and summary["ActionName"] == f"{u}-a"


@pytest.mark.parametrize("op", ["list_contexts", "list_actions", "list_artifacts", "list_associations",
                                "list_experiments", "list_trials", "list_trial_components"])  # fmt: skip
def test_bad_token_and_max_results(sm, b, op):
    code, message = b.error(getattr(sm, op), NextToken="not-a-token")
    assert code == "ValidationException" and "NextToken" in message
    code, message = b.error(getattr(sm, op), MaxResults=101)
    assert code == "ValidationException" and "Member must have value less than or equal to 100" in message


def test_token_of_another_listing_is_refused(sm, b, u):
    for i in range(3):
        b.context(f"{u}-{i}", type=f"T{u}")
    token = sm.list_contexts(ContextType=f"T{u}", MaxResults=1)["NextToken"]
    assert b.error(sm.list_actions, NextToken=token)[0] == "ValidationException"
    assert b.error(sm.list_contexts, NextToken=token, SortBy="Name")[0] == "ValidationException"


def test_bad_sort_by(sm, b):
    code, message = b.error(sm.list_artifacts, SortBy="Name")
    assert code == "ValidationException" and "Member must satisfy enum value set: [CreationTime]" in message


def test_creation_times_are_cut_to_the_millisecond_never_rounded_up(monkeypatch):
    """An entity made through the API, then one by a bulk import in the same millisecond: the first
    never sorts as made after the second (a time rounded up to the next millisecond would)."""
    import lineage_magics
    from lineage_magics.connect import local_service

    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0006)
    sm = lineage_magics.connect("memory://")
    first = sm.create_action(ActionName="first", ActionType="T", Source={"SourceUri": "first"})["ActionArn"]
    local_service(sm).bulk_import(
        actions=[{"ActionName": "second", "ActionType": "T", "Source": {"SourceUri": "2"}}]
    )
    made = {s["ActionArn"]: s["CreationTime"].timestamp() for s in sm.list_actions()["ActionSummaries"]}
    second = first.replace("/first", "/second")
    assert made[first] == made[second] == 1_700_000_000.0
