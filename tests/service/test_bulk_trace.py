"""bulk_import (one transaction, idempotent) and Service.trace (the unlimited local walk)."""

from __future__ import annotations

import pytest

from lineage_magics.connect import connect, local_service


@pytest.fixture
def loaded():
    sm = connect("memory://")
    service = local_service(sm)
    n = 50
    artifacts = [{"ArtifactType": "DataSet", "Source": {"SourceUri": f"s3://b/{i}"}, "ArtifactName": f"a{i}"}
                 for i in range(n)]  # fmt: skip
    actions = [
        {"ActionName": f"step{i}", "ActionType": "Process", "Source": {"SourceUri": "x"}}
        for i in range(n - 1)
    ]
    arts = [service.artifact_arn(a["Source"]) for a in artifacts]
    acts = [f"arn:aws:sagemaker:us-east-1:000000000000:action/step{i}" for i in range(n - 1)]
    links = []
    for i in range(n - 1):  # a chain: a0 -> step0 -> a1 -> step1 -> ... -> a49
        links.append({"SourceArn": arts[i], "DestinationArn": acts[i], "AssociationType": "ContributedTo"})
        links.append({"SourceArn": acts[i], "DestinationArn": arts[i + 1], "AssociationType": "Produced"})
    counts = service.bulk_import(artifacts=artifacts, actions=actions, associations=links)
    return sm, service, arts, acts, counts, (artifacts, actions, links)


def test_counts_and_idempotence(loaded):
    sm, service, arts, acts, counts, rows = loaded
    assert counts == {"contexts": 0, "actions": 49, "artifacts": 50, "associations": 98}
    artifacts, actions, links = rows
    assert service.bulk_import(artifacts=artifacts, actions=actions, associations=links) == {
        "contexts": 0, "actions": 0, "artifacts": 0, "associations": 0}  # fmt: skip
    assert service.counts()["artifacts"] == (0, 6000)  # imported rows count as SageMaker-created


def test_imported_rows_answer_the_api(loaded):
    sm, service, arts, acts, *_ = loaded
    assert sm.describe_artifact(ArtifactArn=arts[3])["ArtifactName"] == "a3"
    out = sm.query_lineage(StartArns=[arts[10]], Direction="Ascendants", MaxDepth=4)
    assert [v["Arn"] for v in out["Vertices"]] == [arts[10], acts[9], arts[9], acts[8], arts[8]]
    code = None
    try:
        sm.create_artifact(ArtifactType="DataSet", Source={"SourceUri": "s3://b/1"})
    except sm.exceptions.ClientError as exc:
        code = exc.response["Error"]["Code"]
    assert code == "ValidationException"


def test_trace_walks_past_depth_10(loaded):
    sm, service, arts, acts, *_ = loaded
    out = service.trace(arts[49], "up", max_depth=None)
    assert len(out["vertices"]) == 99 and out["vertices"][-1][0] == arts[0]
    assert out["vertices"][1] == (acts[48], "Action", "Process", "step48", "x", 1)
    assert len(out["edges"]) == 98 and not out["truncated"]
    capped = service.trace(arts[49], "Ascendants", max_depth=None, max_vertices=10)
    assert len(capped["vertices"]) == 10 and capped["truncated"]
    assert len(service.trace(arts[0], "down", max_depth=3)["vertices"]) == 4
    sm.update_artifact(ArtifactArn=arts[48], Properties={"k": "v"})
    with_props = service.trace(arts[49], "up", max_depth=2, properties=True, edges=False)
    assert [v[6] for v in with_props["vertices"]] == [{}, {}, {"k": "v"}]
    assert with_props["edges"] == []


def test_bad_association_end_rolls_back(loaded):
    sm, service, arts, *_ = loaded
    bad = [{"SourceArn": arts[0], "DestinationArn": "arn:aws:sagemaker:us-east-1:000000000000:context/none"}]
    with pytest.raises(ValueError, match="does not exist"):
        service.bulk_import(contexts=[{"ContextName": "c", "ContextType": "T", "Source": {"SourceUri": "u"}}],
                            associations=bad)  # fmt: skip
    assert sm.list_contexts()["ContextSummaries"] == []


def test_bulk_trial_components_like_sagemakers_jobs():
    import datetime as dt

    sm = connect("memory://")
    service = local_service(sm)
    prefix = "arn:aws:sagemaker:us-east-1:000000000000:"
    job = f"{prefix}training-job/xgb-1"
    started = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    components = [
        {"TrialComponentName": "xgb-1-aws-training-job", "DisplayName": "xgb 1",
         "Source": {"SourceArn": job, "SourceType": "SageMakerTrainingJob"},
         "Status": {"PrimaryStatus": "Completed"}, "StartTime": started,
         "Parameters": {"eta": {"NumberValue": 0.2}}, "CreationTime": 1_700_000_000},
        {"TrialComponentName": "notes"},
    ]  # fmt: skip
    data = {"ArtifactType": "DataSet", "Source": {"SourceUri": "s3://b/train"}}
    tc = f"{prefix}experiment-trial-component/xgb-1-aws-training-job"
    link = {"SourceArn": service.artifact_arn(data["Source"]), "DestinationArn": tc}
    counts = service.bulk_import(artifacts=[data], trial_components=components, associations=[link])
    assert counts == {"contexts": 0, "actions": 0, "artifacts": 1, "trial_components": 2, "associations": 1}
    assert service.bulk_import(trial_components=components)["trial_components"] == 0
    got = sm.describe_trial_component(TrialComponentName="XGB-1-aws-training-job")
    assert got["TrialComponentArn"] == tc and got["Source"] == components[0]["Source"]
    assert got["StartTime"] == started and got["Status"] == {"PrimaryStatus": "Completed"}
    assert got["Parameters"] == {"eta": {"NumberValue": 0.2}}
    assert got["CreationTime"].timestamp() == 1_700_000_000
    listed = sm.list_trial_components(SourceArn=job)["TrialComponentSummaries"]
    assert [s["TrialComponentName"] for s in listed] == ["xgb-1-aws-training-job"]
    (summary,) = sm.list_associations(DestinationArn=tc)["AssociationSummaries"]
    assert summary["DestinationType"] == "SageMakerTrainingJob"
    out = sm.query_lineage(
        StartArns=[link["SourceArn"]], Direction="Descendants", Filters={"Types": ["TrainingJob"]}
    )
    assert out["Vertices"] == [{"Arn": tc, "Type": "TrainingJob", "LineageType": "TrialComponent"}]
    assert sm.describe_trial_component(TrialComponentName="notes")["TrialComponentName"] == "notes"


def test_trace_on_the_in_memory_graph_matches_sqlite_and_sees_other_writers(tmp_path, monkeypatch):
    from lineage_magics.service import Service, query

    path = str(tmp_path / "lineage.db")
    service, other = Service(path), Service(path)  # two connections, as two processes would have
    artifacts = [{"ArtifactType": "DataSet", "Source": {"SourceUri": f"s3://b/{i}"}} for i in range(30)]
    arts = [service.artifact_arn(a["Source"]) for a in artifacts]
    links = [
        {"SourceArn": arts[i // 2], "DestinationArn": arts[i], "AssociationType": "DerivedFrom"}
        for i in range(1, 30)
    ]  # fmt: skip  (a binary tree: i's parent is i // 2)
    service.bulk_import(artifacts=artifacts, associations=links)
    calls = [(arts[0], "down", None), (arts[29], "up", None), (arts[5], "both", 3), (arts[0], "down", 2)]
    on_sqlite = [service.trace(*c) for c in calls]
    monkeypatch.setattr(query, "ADJACENCY_AFTER", 0)  # every walk now loads and uses the graph cache
    for c, expected in zip(calls, on_sqlite, strict=True):
        got = service.trace(*c)
        assert got["vertices"] == expected["vertices"]
        assert sorted(got["edges"]) == sorted(expected["edges"]) and not got["truncated"]
    assert service._graph is not None
    capped = service.trace(arts[0], "down", None, max_vertices=5)
    kept = {v[0] for v in capped["vertices"]}
    assert (
        len(kept) == 5 and capped["truncated"] and all(s in kept and d in kept for s, d, _ in capped["edges"])
    )
    other.bulk_import(  # another connection writes: the cached graph must not answer any more
        artifacts=[{"ArtifactType": "DataSet", "Source": {"SourceUri": "s3://b/new"}}],
        associations=[
            {"SourceArn": arts[29], "DestinationArn": other.artifact_arn({"SourceUri": "s3://b/new"})}
        ],
    )
    assert len(service.trace(arts[0], "down", None)["vertices"]) == 31
    service.bulk_import(associations=[{"SourceArn": arts[28], "DestinationArn": arts[1]}])  # this one writes
    assert (arts[28], arts[1], None) in service.trace(arts[0], "down", None)["edges"]
    service.close()
    other.close()


def test_large_import_rebuilds_its_indexes_and_a_failed_one_keeps_them(tmp_path, monkeypatch):
    from lineage_magics.service import Service, bulk

    monkeypatch.setattr(bulk, "LARGE_IMPORT", 10)  # this import counts as large: indexes dropped, rebuilt
    service = Service(str(tmp_path / "lineage.db"))
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    with service.store.read() as conn:
        before = conn.execute(indexes).fetchall()
    artifacts = [{"ArtifactType": "DataSet", "Source": {"SourceUri": f"s3://b/{i}"}} for i in range(20)]
    arts = [service.artifact_arn(a["Source"]) for a in artifacts]
    links = [{"SourceArn": arts[i], "DestinationArn": arts[i + 1]} for i in range(19)]
    assert service.bulk_import(artifacts=artifacts, associations=links)["associations"] == 19
    bad = [{"SourceArn": arts[0], "DestinationArn": arts[0].replace("artifact/", "artifact/0")}] * 20
    with pytest.raises(ValueError, match="does not exist"):
        service.bulk_import(associations=bad)
    with service.store.read() as conn:
        assert conn.execute(indexes).fetchall() == before
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT src FROM edge WHERE dst = ?", (1,)).fetchall()
    assert "edge_dst" in str(plan)
    assert len(service.trace(arts[19], "up", None)["vertices"]) == 20
    service.close()


@pytest.mark.parametrize("large", [False, True], ids=["row-by-row", "large"])
def test_import_into_a_store_that_holds_some_rows(tmp_path, monkeypatch, large):
    """Stored entities are skipped and still usable as association ends; duplicates in a call: first wins."""
    from lineage_magics.service import Service, bulk

    monkeypatch.setattr(bulk, "LARGE_IMPORT", 1 if large else 10**9)
    service = Service(str(tmp_path / "lineage.db"), account="123456789012")
    sm_call = service.call
    kept = sm_call(
        "CreateContext", {"ContextName": "kept", "ContextType": "Old", "Source": {"SourceUri": "u"}}
    )
    sm_call("CreateTrialComponent", {"TrialComponentName": "Tc-1"})
    stored_tc = "arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/TC-1"  # other case
    first = {"ArtifactType": "First", "Source": {"SourceUri": "s3://b/x"}, "ArtifactName": "first"}
    second = {"ArtifactType": "Second", "Source": {"SourceUri": "s3://b/x"}, "ArtifactName": "second"}
    art = service.artifact_arn(first["Source"])
    counts = service.bulk_import(
        contexts=[{"ContextName": "kept", "ContextType": "New", "Source": {"SourceUri": "v"}},
                  {"ContextName": "new", "ContextType": "New", "Source": {"SourceUri": "v"}}],
        artifacts=[first, second],
        associations=[{"SourceArn": art, "DestinationArn": kept["ContextArn"]},
                      {"SourceArn": art, "DestinationArn": stored_tc, "AssociationType": "ContributedTo"},
                      {"SourceArn": art, "DestinationArn": kept["ContextArn"], "AssociationType": "Produced"}],
    )  # fmt: skip
    assert counts == {"contexts": 1, "actions": 0, "artifacts": 1, "associations": 2}
    assert sm_call("DescribeContext", {"ContextName": "kept"})["ContextType"] == "Old"
    assert sm_call("DescribeArtifact", {"ArtifactArn": art})["ArtifactType"] == "First"
    got = sm_call("ListAssociations", {"SourceArn": art})["AssociationSummaries"]
    assert sorted((a["DestinationName"], a.get("AssociationType")) for a in got) == [
        ("Tc-1", "ContributedTo"), ("kept", None)]  # fmt: skip
    elsewhere = kept["ContextArn"].replace("123456789012", "210987654321")  # the same name, another account
    with pytest.raises(ValueError, match="does not exist"):
        service.bulk_import(associations=[{"SourceArn": art, "DestinationArn": elsewhere}])
    with service.store.read() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"entity_identity", "entity_created", "entity_name", "entity_source", "edge_dst"} <= names
    service.close()


def test_a_region_or_account_that_no_arn_can_hold_is_refused():
    from lineage_magics.service import Service

    for bad in ({"account": "12345"}, {"region": "US East"}, {"account": "1234567890123"}):
        with pytest.raises(ValueError, match="12 digits"):
            Service(**bad)


def test_generators_are_read_in_order_and_associations_may_name_their_rows():
    sm = connect("memory://")
    service = local_service(sm)
    arns: list[str] = []

    def artifacts():
        for i in range(3):
            row = {"ArtifactType": "DataSet", "Source": {"SourceUri": f"s3://g/{i}"}}
            arns.append(service.artifact_arn(row["Source"]))
            yield row

    links = ({"SourceArn": arns[i], "DestinationArn": arns[i + 1]} for i in range(2))  # arns filled by then
    assert service.bulk_import(artifacts=artifacts(), associations=links)["associations"] == 2
    assert [v[0] for v in service.trace(arns[2], "up", None)["vertices"]] == arns[::-1]


def test_trace_makes_its_edges_as_the_tuple_type_asked_for(tmp_path, monkeypatch):
    from collections import namedtuple

    from lineage_magics.service import Service, query

    pair = namedtuple("pair", "source destination type")
    service = Service(str(tmp_path / "lineage.db"))
    artifacts = [{"ArtifactType": "DataSet", "Source": {"SourceUri": f"s3://b/{i}"}} for i in range(12)]
    arts = [service.artifact_arn(a["Source"]) for a in artifacts]
    links = [
        {"SourceArn": a, "DestinationArn": b, "AssociationType": "DerivedFrom"}
        for a, b in zip(arts, arts[1:], strict=False)
    ]
    service.bulk_import(artifacts=artifacts, associations=links)
    for cached in (False, True):  # read through SQLite, then from the in-memory graph
        monkeypatch.setattr(query, "ADJACENCY_AFTER", 0 if cached else 10**9)
        plain = service.trace(arts[11], "up", None)["edges"]
        typed = service.trace(arts[11], "up", None, edge_type=pair)["edges"]
        assert len(plain) == 11 and typed == plain
        assert all(type(e) is pair for e in typed) and all(type(e) is tuple for e in plain)
        assert typed[0].destination == arts[11]
    assert service._graph is not None
    service.close()
