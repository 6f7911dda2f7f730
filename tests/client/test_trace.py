"""trace(): pages, depth beyond 10, names and types, truncation, filters, and the calls it makes."""

from __future__ import annotations

import math

import pytest

from lineage_magics import LineageClient, crud
from lineage_magics.api import Api
from lineage_magics.errors import LineageError
from lineage_magics.graph import LineageGraph

from .conftest import CallCounter, chain


@pytest.fixture(autouse=True)
def sagemaker_path(monkeypatch):
    """These tests are of the SageMaker API path (pages, windows, describes): the in-process store's
    one-call trace (tests/client/test_trace_local.py) is turned off."""
    monkeypatch.setattr(Api, "trace_via_api", True)


def star(lc, n: int) -> tuple[str, list[str], list[str]]:
    """A context linked to n members: a third artifacts, the rest actions. Returns (ctx, artifacts, actions)."""
    ctx = crud.create(lc.api, "context", name="hub", type="Workflow")
    arts, acts = [], []
    for i in range(n):
        if i % 3 == 0:
            arts.append(
                crud.create(lc.api, "artifact", source_uri=f"s3://b/a{i}", type="DataSet", name=f"art{i}")
            )
            crud.add_association(lc.api, ctx, arts[-1], "AssociatedWith")
        else:
            acts.append(crud.create(lc.api, "action", name=f"act{i}", type="Step"))
            crud.add_association(lc.api, ctx, acts[-1], "AssociatedWith")
    return ctx, arts, acts


def test_trace_spanning_many_pages_returns_every_vertex(lc):
    ctx, arts, acts = star(lc, 180)  # 181 vertices: 4 QueryLineage pages
    counter = CallCounter(lc.sagemaker)
    g = lc.trace(ctx, depth=1)
    assert isinstance(g, LineageGraph)
    assert len(g.vertices) == 181 and len(g.edges) == 180
    assert {v.arn for v in g.vertices} == {ctx, *arts, *acts}
    assert counter["QueryLineage"] == math.ceil(181 / 50) == 4
    assert not g.truncated
    assert g.vertices[0].arn == ctx and g.vertices[0].depth == 0
    assert all(v.depth == 1 for v in g.vertices[1:])


def test_call_counts_are_minimal_and_cached(lc):
    ctx, arts, acts = star(lc, 120)
    counter = CallCounter(lc.sagemaker)
    g = lc.trace(ctx, depth=2)
    assert counter["QueryLineage"] == math.ceil(121 / 50)
    # names of contexts and actions come from their ARNs; artifacts are described once each, when
    # first shown or read (issue 15: hydrate what is shown)
    for op in ("DescribeContext", "DescribeAction", "DescribeTrialComponent"):
        assert counter[op] == 0, op
    assert counter["DescribeArtifact"] == 0
    g.hydrate()
    assert counter["DescribeArtifact"] == len(arts) == 40
    assert counter.total == counter["QueryLineage"] + counter["DescribeArtifact"]
    by_arn = {v.arn: v for v in g.vertices}
    assert by_arn[arts[0]].name == "art0" and by_arn[arts[0]].source_uri == "s3://b/a0"
    assert by_arn[acts[0]].name == "act1" and by_arn[acts[0]].type == "Step"
    assert by_arn[ctx].name == "hub" and by_arn[ctx].type == "Workflow"
    counter.reset()
    again = lc.trace(ctx, depth=2)
    assert counter["DescribeArtifact"] == 0
    assert counter.total == counter["QueryLineage"] == math.ceil(121 / 50)
    assert [v.label for v in again.vertices] == [v.label for v in g.vertices]


def test_depth_25_chain_traced_to_its_end(lc):
    arns = chain(lc, 26)  # a0 .. a25: 25 associations from the start
    counter = CallCounter(lc.sagemaker)
    g = lc.trace(arns[0], direction="down", depth=25)
    assert [v.arn for v in g.vertices] == arns
    assert [v.depth for v in g.vertices] == list(range(26))
    assert len(g.edges) == 25
    assert counter["QueryLineage"] == 3  # windows of 10, 10 and 5, one page each
    assert counter.total == 3
    shorter = lc.trace(arns[0], direction="down", depth=12)
    assert [v.depth for v in shorter.vertices] == list(range(13))
    up = lc.trace(arns[25], direction="up", depth=30)
    assert len(up.vertices) == 26 and up.vertex(arns[0]).depth == 25
    assert lc.trace(arns[25], direction="down", depth=30).vertices[0].arn == arns[25]
    assert len(lc.trace(arns[25], direction="down", depth=30)) == 1


def test_deep_trace_with_branches_keeps_depths(lc):
    arns = chain(lc, 15)
    side = crud.create(lc.api, "action", name="side", type="Step")
    crud.add_association(lc.api, arns[12], side, "AssociatedWith")
    g = lc.trace(arns[0], direction="both", depth=14)
    assert g.vertex(side).depth == 13 and g.vertex(arns[14]).depth == 14


def test_frontier_vertex_covered_by_an_earlier_walk_is_not_walked_again(lc):
    arns = chain(lc, 10)  # n0 .. n9, then n9 -> b, n9 -> c, b -> c: b and c both at depth 10
    b = crud.create(lc.api, "action", name="b", type="Step")
    c = crud.create(lc.api, "action", name="c", type="Step")
    for s, d in ((arns[9], b), (arns[9], c), (b, c)):
        crud.add_association(lc.api, s, d, "AssociatedWith")
    one = LineageClient(lc.sagemaker, progress=False, max_workers=1)  # walks in a known order
    counter = CallCounter(lc.sagemaker)
    g = one.trace(arns[0], direction="down", depth=12)
    assert [v.arn for v in g.vertices] == [*arns, b, c] or [v.arn for v in g.vertices] == [*arns, c, b]
    assert g.vertex(b).depth == g.vertex(c).depth == 10 and len(g.edges) == 12
    # the window from b (2 hops) already walked all of c's: one walk for both, not one each
    assert counter["QueryLineage"] == 2


def test_directions(lc):
    data = crud.create(lc.api, "artifact", source_uri="s3://b/d", type="DataSet")
    job = crud.create(lc.api, "action", name="job", type="Training")
    model = crud.create(lc.api, "artifact", source_uri="s3://b/m", type="Model")
    sibling = crud.create(lc.api, "artifact", source_uri="s3://b/s", type="Model")
    crud.add_association(lc.api, data, job, "ContributedTo")
    crud.add_association(lc.api, job, model, "Produced")
    crud.add_association(lc.api, job, sibling, "Produced")
    assert {v.arn for v in lc.trace(model, "up", depth=5)} == {model, job, data}
    assert {v.arn for v in lc.trace(job, "down", depth=5)} == {job, model, sibling}
    assert {v.arn for v in lc.trace(model, "both", depth=2)} == {model, job, data, sibling}
    with pytest.raises(LineageError, match="direction"):
        lc.trace(model, "sideways")


def test_max_vertices_truncates_and_says_so(lc):
    ctx, _, _ = star(lc, 30)
    g = lc.trace(ctx, depth=1, max_vertices=10)
    assert len(g.vertices) == 10 and g.truncated and g.total_vertices == 31
    assert g.vertices[0].arn == ctx
    kept = {v.arn for v in g.vertices}
    assert all(e.source in kept and e.destination in kept for e in g.edges)
    assert "truncated" in repr(g)


def test_filters_select_returned_vertices(lc):
    data = crud.create(lc.api, "artifact", source_uri="s3://b/d", type="DataSet")
    job = crud.create(lc.api, "action", name="job", type="Training")
    model = crud.create(lc.api, "artifact", source_uri="s3://b/m", type="Model")
    crud.add_association(lc.api, data, job, "ContributedTo")
    crud.add_association(lc.api, job, model, "Produced")
    g = lc.trace(data, "down", depth=3, lineage_types="artifact")
    assert {v.arn for v in g.vertices} == {data, model}  # the walk went through the action
    assert lc.trace(data, "down", depth=3, types=["Model"]).vertices[0].arn == model
    arns = chain(lc, 14, prefix="x")
    deep = lc.trace(arns[0], "down", depth=13, types="Step")
    assert len(deep.vertices) == 14 and deep.vertex(arns[13]).depth == 13
    with pytest.raises(LineageError, match="unknown lineage type"):
        lc.trace(data, lineage_types="Widget")


def test_trace_of_experiment_is_refused(lc):
    lc.create_experiment("e1")
    with pytest.raises(LineageError, match="not part of the lineage graph"):
        lc.trace("e1")


def test_depth_zero_is_the_start_alone(lc):
    arns = chain(lc, 3)
    g = lc.trace(arns[1], depth=0)
    assert [v.arn for v in g.vertices] == [arns[1]] and not g.edges


def test_a_displayed_trace_describes_only_the_drawn_artifacts(lc):
    """Issue 15: the picture (default cap 150) costs QueryLineage pages plus one DescribeArtifact per
    drawn artifact, each drawn with its name; a repeat in the same session costs the pages only."""
    ctx, arts, _ = star(lc, 600)  # 200 artifacts, 400 actions: 13 pages
    counter = CallCounter(lc.sagemaker)
    g = lc.trace(ctx, depth=1)
    svg = g._repr_mimebundle_()["image/svg+xml"]
    drawn = [v for v in g.vertices[:150] if v.lineage_type == "Artifact"]
    assert counter["QueryLineage"] == math.ceil(601 / 50)
    assert counter["DescribeArtifact"] == len(drawn) < len(arts)
    assert all(f">{v.name}<" in svg for v in drawn)
    counter.reset()
    again = lc.trace(ctx, depth=1)
    again._repr_mimebundle_()
    assert counter.total == counter["QueryLineage"] == math.ceil(601 / 50)
    counter.reset()
    exported = again.to_json()
    assert counter.total == counter["DescribeArtifact"] == len(arts) - len(drawn)
    assert all(f'"name": "art{i}"' in exported for i in range(0, 600, 3))


def test_lazy_vertices_read_compare_and_copy_as_vertices(lc):
    import copy
    import pickle

    from lineage_magics.graph import LazyVertex, Vertex

    a = crud.create(
        lc.api, "artifact", source_uri="s3://b/x", type="DataSet", name="x", properties={"k": "v"}
    )
    g = lc.trace(a, depth=0)  # the start alone: described to be named
    g = lc.trace(a, depth=1)
    fresh = LineageClient(lc.sagemaker, progress=False)
    fresh.api.trace_via_api = True
    lazy = fresh.trace(a, depth=1).vertices[0]
    assert isinstance(lazy, LazyVertex)
    plain = Vertex(a, "Artifact", "DataSet", "x", "s3://b/x", {"k": "v"}, 0)
    assert lazy == plain and plain == lazy and not lazy.pending
    assert copy.deepcopy(lazy) == plain and pickle.loads(pickle.dumps(lazy)) == plain
    assert g.vertices[0] == plain
