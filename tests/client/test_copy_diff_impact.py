"""copy() between stores, diff() of two lineages, impact() downstream."""

from __future__ import annotations

import pytest

from lineage_magics import LineageClient, crud
from lineage_magics.errors import LineageError
from lineage_magics.ops.diff import GraphDiff
from lineage_magics.ops.impact import ImpactReport
from lineage_magics.ops.transfer import CopyReport
from lineage_magics.workflow import EdgeDecl, EntityDecl, WorkflowSpec

from .conftest import CallCounter


def run_spec(name: str, model_uri: str = "s3://b/model.tar.gz", acc: str = "0.9", extra: bool = False):
    entities = [
        EntityDecl("artifact", "train-data", "DataSet", "s3://b/train.csv", properties={"rows": "100"}),
        EntityDecl("action", f"{name}-train", "Training", status="Completed", properties={"lr": "0.1"}),
        EntityDecl("artifact", "model", "Model", model_uri, properties={"accuracy": acc}),
        EntityDecl("context", f"{name}-endpoint", "Endpoint"),
    ]
    edges = [
        EdgeDecl("train-data", f"{name}-train"),
        EdgeDecl(f"{name}-train", "model"),
        EdgeDecl("model", f"{name}-endpoint", "ContributedTo"),
    ]
    if extra:
        entities.append(EntityDecl("artifact", "report", "Report", f"s3://b/{name}/report.html"))
        edges.append(EdgeDecl(f"{name}-train", "report"))
    return WorkflowSpec(name, "Workflow", description=f"run {name}", entities=entities, edges=edges)


def contents(lc: LineageClient) -> tuple:
    """Everything in a store, keyed by names and source URIs (not ARNs)."""
    ents = []
    for kind in ("contexts", "actions", "artifacts", "trial-components"):
        for e in lc.list(kind):
            full = lc.get(e.arn)
            ents.append(
                (full.kind, full.name, full.type, full.source_uri, full.status, full.description,
                 tuple(sorted(full.properties.items())), tuple(sorted(map(str, full.source_types))))
            )  # fmt: skip

    def key(arn):
        e = lc.get(arn)
        return e.source_uri if e.kind == "artifact" else e.name

    assocs = sorted((key(a.source_arn), key(a.destination_arn), a.type) for a in lc.list("associations"))
    return tuple(sorted(ents, key=str)), tuple(assocs)


@pytest.fixture
def source(lc) -> LineageClient:
    lc.apply(run_spec("run-1"))
    lc.create_artifact("s3://b/train.csv", "DataSet", "train-data-v2", source_types={"Custom": "v2"})
    tc = lc.create_trial_component("tc-1", status="Completed", parameters={"epochs": 3})
    lc.associate(tc, "run-1-train")
    return lc


@pytest.mark.parametrize("bulk", [None, False])
def test_copy_whole_store_is_identical_and_idempotent(source, tmp_path, bulk):
    target = LineageClient(f"sqlite:///{tmp_path / 'copy.db'}", progress=False)
    report = source.copy(target, bulk=bulk)
    assert isinstance(report, CopyReport) and not report.errors, report.errors
    assert report.bulk == (bulk is None)
    assert report.created == {
        "contexts": 2,
        "actions": 1,
        "artifacts": 3,
        "trial-components": 1,
        "associations": 8,
    }
    assert contents(target) == contents(source)
    again = source.copy(target, bulk=bulk)
    assert not again.changed and sum(again.existing.values()) == 15
    assert contents(target) == contents(source)
    assert source.diff(source.context_graph("run-1"), target.context_graph("run-1")).same


def test_copy_around_a_ref_within_depth(source):
    target = LineageClient("memory://", progress=False)
    report = source.copy(target, ref="run-1-endpoint", depth=1)
    assert report.created == {"contexts": 2, "artifacts": 1, "associations": 2}
    assert {e.name for e in target.list("contexts")} == {"run-1", "run-1-endpoint"}
    assert [e.source_uri for e in target.list("artifacts")] == ["s3://b/model.tar.gz"]
    assert target.counts()["associations"] == (2, 6000)
    with pytest.raises(LineageError, match="another backend"):
        source.copy(source)


def test_copy_by_url(source, tmp_path):
    url = f"sqlite:///{tmp_path / 'url.db'}"
    report = source.copy(url)
    assert report.target == url and report.created["associations"] == 8
    assert contents(LineageClient(url, progress=False)) == contents(source)


def test_diff_of_two_runs(lc):
    lc.apply(run_spec("run-1"))
    lc.apply(run_spec("run-2", model_uri="s3://b/model-2.tar.gz", acc="0.95", extra=True))
    lc.update("train-data", properties={"rows": "100"})
    d = lc.diff("run-1", "run-2")
    assert isinstance(d, GraphDiff) and not d.same
    added = {(v.lineage_type, v.label) for v in d.added_vertices}
    removed = {(v.lineage_type, v.label) for v in d.removed_vertices}
    # per-run names differ, so those are added/removed; the shared data set matches
    assert ("Artifact", "report") in added and ("Action", "run-2-train") in added
    assert ("Action", "run-1-train") in removed and ("Artifact", "model") in removed
    assert ("Artifact", "train-data") not in added | removed
    assert d.changed_vertices == []  # the two contexts match as the starts; the data set is the same
    df = d.to_dataframe()
    assert set(df["change"]) == {"added", "removed"} and len(df) == len(d)
    assert "+" in repr(d) and "lineage-diff" in d._repr_html_()


def test_diff_properties_and_edges_of_graphs(lc):
    lc.apply(run_spec("run-1"))
    before = lc.context_graph("run-1")
    lc.update("model", properties={"accuracy": "0.5"})
    lc.disassociate("model", "run-1-endpoint")
    lc.associate("model", "run-1-endpoint", "DerivedFrom")
    lc.create_artifact("s3://b/<new>", "Report", "new")
    lc.associate("run-1", "new")
    after = lc.context_graph("run-1")
    d = lc.diff(before, after)
    assert [(c.b.label, c.changes) for c in d.changed_vertices] == [("model", {"accuracy": ("0.9", "0.5")})]
    assert [v.label for v in d.added_vertices] == ["new"] and d.removed_vertices == []
    assert d.changed_edges == [("model", "run-1-endpoint", "ContributedTo", "DerivedFrom")]
    assert len(d.added_edges) == 1 and d.removed_edges == []
    page = d._repr_html_()
    assert "s3://b/&lt;new&gt;" in page and "<new>" not in page
    assert lc.diff(after, lc.context_graph("run-1")).same


def test_impact_groups_downstream_with_paths(lc):
    lc.apply(run_spec("run-1"))
    lc.apply(run_spec("run-2", model_uri="s3://b/model-2.tar.gz"))
    counter = CallCounter(lc.sagemaker)
    report = lc.impact("s3://b/train.csv")
    assert isinstance(report, ImpactReport)
    groups = {k: sorted(i.vertex.label for i in v) for k, v in report.groups.items()}
    assert groups == {
        ("Action", "Training"): ["run-1-train", "run-2-train"],
        ("Artifact", "Model"): ["model", "model"],
        ("Context", "Endpoint"): ["run-1-endpoint", "run-2-endpoint"],
    }
    endpoint = next(i for i in report.items if i.vertex.label == "run-2-endpoint")
    assert endpoint.labels == ["train-data", "run-2-train", "model", "run-2-endpoint"] and endpoint.depth == 3
    assert set(report.by_name()) == {"trainings", "models", "endpoints"}
    df = report.to_dataframe()
    assert len(df) == 6 and list(df.columns) == ["lineage_type", "type", "name", "arn", "depth", "path"]
    assert "run-2-train" in repr(report) and "lineage-impact" in report._repr_html_()
    assert counter["DescribeAction"] == counter["DescribeContext"] == 0


def test_copy_keeps_sagemakers_job_trial_components(lc, tmp_path):
    """A training job's trial component (Source, vertex Type TrainingJob) survives a bulk copy."""
    from lineage_magics.connect import local_service

    job = "arn:aws:sagemaker:us-east-1:000000000000:training-job/xgb-1"
    data = lc.create_artifact("s3://b/train.csv", "DataSet", "train")
    local_service(lc.sagemaker).bulk_import(
        trial_components=[
            {"TrialComponentName": "xgb-1-aws-training-job", "Status": {"PrimaryStatus": "Completed"},
             "Source": {"SourceArn": job, "SourceType": "SageMakerTrainingJob"}}
        ]
    )  # fmt: skip
    lc.associate(data, "xgb-1-aws-training-job", "ContributedTo")
    target = LineageClient(f"sqlite:///{tmp_path / 'jobs.db'}", progress=False)
    report = lc.copy(target)
    assert report.bulk and report.created == {"artifacts": 1, "trial-components": 1, "associations": 1}
    copied = target.get("xgb-1-aws-training-job")
    assert (copied.type, copied.source_uri, copied.status) == ("SageMakerTrainingJob", job, "Completed")
    graph = target.trace("s3://b/train.csv", direction="down", types=["TrainingJob"])
    assert [(v.arn, v.type) for v in graph.vertices if v.arn != graph.start] == [(copied.arn, "TrainingJob")]
    assert not lc.copy(target).changed and report.total == 3


def test_copy_through_the_api_outlasts_heavy_throttling():
    """Half the calls refused: throttling is retried until a time budget, not for a fixed count
    (12 attempts failed one call of this copy: seed 1, one worker, so the same draws every run)."""
    source = LineageClient("memory://", progress=False)
    ctx = crud.create(source.api, "context", name="wf", type="Workflow")
    for i in range(150):
        crud.add_association(
            source.api, ctx, crud.create(source.api, "action", name=f"s{i}", type="Step"), "AssociatedWith"
        )
    target = LineageClient("memory://?throttle=0.5&seed=1", progress=False, max_workers=1, retry_base=0.0005)
    target.api.retry_cap = 0.004
    counter = CallCounter(target.sagemaker)
    streak, longest = [0], [0]  # refusals in a row (one worker: calls are sequential)

    def answered(parsed=None, **_):
        throttled = (parsed or {}).get("Error", {}).get("Code") == "ThrottlingException"
        streak[0] = streak[0] + 1 if throttled else 0
        longest[0] = max(longest[0], streak[0])

    target.sagemaker.meta.events.register("after-call.sagemaker.*", answered)
    report = source.copy(target, bulk=False)
    assert not report.errors, report.errors[:2]
    assert report.created == {"contexts": 1, "actions": 150, "associations": 150}
    assert counter.errors["ThrottlingException"] > 200
    assert longest[0] >= 12  # one call was refused more often than a 12-attempt bound allows
