"""apply(): the %%lineage context semantics as data."""

from __future__ import annotations

import pytest

from lineage_magics.errors import LineageError
from lineage_magics.workflow import EdgeDecl, EntityDecl, WorkflowSpec

from .conftest import CallCounter


def mnist(**changes) -> WorkflowSpec:
    entities = [
        EntityDecl("artifact", "mnist-test-images", "TestData", "https://example.com/t10k-images.gz", line=3),
        EntityDecl(
            "artifact", "mnist-test-labels", "TestLabels", "https://example.com/t10k-labels.gz", line=4
        ),
        EntityDecl(
            "action",
            "model-build-step",
            "ModelBuild",
            status="Completed",
            properties={"Example": "Metadata"},
            line=5,
        ),
        EntityDecl("artifact", "mnist-model", "Model", "s3://bucket/model.tar.gz", line=6),
    ]
    edges = [
        EdgeDecl("mnist-test-images", "model-build-step", line=7),
        EdgeDecl("mnist-test-labels", "model-build-step", line=8),
        EdgeDecl("model-build-step", "mnist-model", "Produced", line=9),
    ]
    spec = WorkflowSpec(
        "mnist-workflow",
        "MLWorkflow",
        source_uri="1700000000",
        properties={"example": "true"},
        entities=entities,
        edges=edges,
    )
    for k, v in changes.items():
        setattr(spec, k, v)
    return spec


def snapshot(lc) -> tuple:
    """Everything in the store, comparable."""
    ents = sorted(
        (e.kind, e.name, e.type, e.source_uri, e.status, tuple(sorted(lc.get(e.arn).properties.items())))
        for k in ("contexts", "actions", "artifacts")
        for e in lc.list(k)
    )
    assocs = sorted((a.source_label, a.destination_label, a.type) for a in lc.list("associations"))
    return tuple(ents), tuple(assocs)


def test_apply_creates_everything(any_lc):
    lc = any_lc
    result = lc.apply(mnist())
    assert result.changed and result.context.name == "mnist-workflow"
    assert len(result.created) == 5 and len(result.linked) == 7
    ctx = lc.get("mnist-workflow")
    assert (ctx.type, ctx.source_uri, ctx.properties) == ("MLWorkflow", "1700000000", {"example": "true"})
    step = lc.get("model-build-step")
    assert step.status == "Completed" and step.properties == {"Example": "Metadata"}
    assert lc.get("mnist-model").source_uri == "s3://bucket/model.tar.gz"
    types = {(a.source_label, a.destination_label): a.type for a in lc.list("associations")}
    assert types[("mnist-test-images", "model-build-step")] == "ContributedTo"
    assert types[("model-build-step", "mnist-model")] == "Produced"
    assert types[("mnist-workflow", "mnist-model")] == "AssociatedWith"
    assert "created" in repr(result) and result.entities["mnist-model"] == lc.resolve("mnist-model")


def test_rerun_changes_nothing(lc):
    lc.apply(mnist())
    before = snapshot(lc)
    counter = CallCounter(lc.sagemaker)
    again = lc.apply(mnist())
    assert not again.changed and again.actions == []
    assert len(again.unchanged) == 5 + 7
    writes = [op for op in counter.calls if op.startswith(("Create", "Update", "Add", "Delete"))]
    assert writes == []
    assert snapshot(lc) == before
    assert "up to date" in repr(again)


def test_edit_adds_and_updates(lc):
    lc.apply(mnist())
    spec = mnist()
    spec.entities[2] = EntityDecl(
        "action", "model-build-step", "ModelBuild", status="Failed", properties={"Example": "Changed"}, line=5
    )
    spec.entities.append(EntityDecl("artifact", "report", "Report", "s3://bucket/report.html", line=10))
    spec.edges.append(EdgeDecl("model-build-step", "report", line=11))
    spec.properties = {"example": "false", "owner": "me"}
    result = lc.apply(spec)
    assert sorted(result.created) == ["artifact report"]
    assert sorted(result.updated) == ["action model-build-step", "context mnist-workflow"]
    assert len(result.linked) == 2
    step = lc.get("model-build-step")
    assert step.status == "Failed" and step.properties == {"Example": "Changed"}
    assert lc.get("mnist-workflow").properties == {"example": "false", "owner": "me"}
    assert not lc.apply(spec).changed


def test_explicit_edge_type_change_retypes(lc):
    lc.apply(mnist())
    spec = mnist()
    spec.edges[2] = EdgeDecl("model-build-step", "mnist-model", "AssociatedWith", line=9)
    result = lc.apply(spec)
    assert result.updated == ["model-build-step -> mnist-model (AssociatedWith)"]
    assert lc.list("associations", source="model-build-step")[0].type == "AssociatedWith"


def test_prune_removes_undeclared_links_but_keeps_entities(lc):
    lc.apply(mnist())
    lc.create_context("other", "Workflow")
    lc.associate("other", "mnist-test-labels")
    spec = mnist()
    spec.entities = [d for d in spec.entities if d.name != "mnist-test-labels"]
    spec.edges = [e for e in spec.edges if e.source != "mnist-test-labels"]
    plain = lc.apply(spec)
    assert not plain.changed  # without prune nothing is removed
    dry = lc.apply(spec, prune=True, dry_run=True)
    assert len(dry.unlinked) == 2 and all(a.startswith("would unlink") for a in dry.actions)
    assert len(lc.associations("mnist-test-labels")) == 3
    result = lc.apply(spec, prune=True)
    assert sorted(result.unlinked) == [
        "mnist-test-labels -> model-build-step",
        "mnist-workflow -> mnist-test-labels",
    ]
    assert lc.get("mnist-test-labels")  # the entity stays
    assert [a.source_label for a in lc.associations("mnist-test-labels")] == ["other"]
    assert not lc.apply(spec, prune=True).changed


def test_dry_run_writes_nothing(lc):
    counter = CallCounter(lc.sagemaker)
    plan = lc.apply(mnist(), dry_run=True)
    assert plan.changed and plan.dry_run and len(plan.created) == 5 and len(plan.linked) == 7
    assert all(a.startswith("would ") for a in plan.actions)
    assert not [op for op in counter.calls if op.startswith(("Create", "Update", "Add", "Delete"))]
    assert lc.list("contexts") == [] and lc.list("artifacts") == []


def test_bad_edge_endpoint_writes_nothing_and_names_the_line(lc):
    spec = mnist()
    spec.edges.append(EdgeDecl("mnist-model", "no-such-thing", line=12))
    with pytest.raises(LineageError, match=r"^line 12: 'no-such-thing' is neither declared"):
        lc.apply(spec)
    assert lc.list("contexts") == [] and lc.list("artifacts") == [] and lc.list("actions") == []


def test_edges_to_existing_entities_and_validation(lc):
    lc.create_artifact("s3://shared/base-image", "Image", "base-image")
    spec = mnist()
    spec.edges.append(EdgeDecl("s3://shared/base-image", "model-build-step", line=10))
    lc.apply(spec)
    a = lc.list("associations", source="s3://shared/base-image")
    assert [(x.destination_label, x.type) for x in a] == [("model-build-step", "ContributedTo")]
    bad = mnist()
    bad.entities.append(EntityDecl("action", "bad_name", "T", line=14))
    with pytest.raises(LineageError, match="^line 14: invalid action name"):
        lc.apply(bad)
    bad = mnist()
    bad.entities.append(EntityDecl("artifact", "no-uri", "T", line=15))
    with pytest.raises(LineageError, match="^line 15: artifact 'no-uri' needs a source URI"):
        lc.apply(bad)
    bad = mnist()
    bad.edges.append(EdgeDecl("mnist-model", "mnist-test-images", "Weird", line=16))
    with pytest.raises(LineageError, match="^line 16: association type 'Weird'"):
        lc.apply(bad)
    bad = mnist()
    bad.entities.append(EntityDecl("artifact", "mnist-model", "Model", "s3://x", line=17))
    with pytest.raises(LineageError, match="^line 17: 'mnist-model' is declared twice"):
        lc.apply(bad)
