"""The embedded store's one-call trace gives exactly the graph of the API path (QueryLineage pages
and DescribeArtifact calls), on random graphs, every direction, depth and filter."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage_magics import LineageClient, crud
from lineage_magics.graph import Edge, Vertex
from lineage_magics.ops import trace as trace_ops

from .conftest import CallCounter, chain

TYPES = ("DataSet", "Model", "Step", "Training")


def _same(a, b) -> None:
    def rows(g):
        return [
            (v.arn, v.lineage_type, v.type, v.name, v.source_uri, v.properties, v.depth) for v in g.vertices
        ]

    assert rows(a) == rows(b)
    assert a.edges == b.edges
    assert (a.start, a.truncated, a.total_vertices, a.direction, a.depth, a.name) == (
        b.start, b.truncated, b.total_vertices, b.direction, b.depth, b.name)  # fmt: skip


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 28))
    kinds = draw(st.lists(st.sampled_from(["artifact", "action", "context"]), min_size=n, max_size=n))
    types = draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n))
    named = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    props = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n).map(
            lambda ps: list(dict.fromkeys((a, b) for a, b in ps if a != b))
        )
    )
    chain_len = draw(st.integers(0, 16))  # a long chain hanging off vertex 0, to cross depth 10
    return kinds, types, named, props, pairs, chain_len


def _build(lc, spec):
    kinds, types, named, props, pairs, chain_len = spec
    arns = []
    for i, (kind, t) in enumerate(zip(kinds, types, strict=True)):
        extra = {"properties": {"p": str(i)}} if props[i] else {}
        if kind == "artifact":
            name = {"name": f"art{i}"} if named[i] else {}
            arns.append(crud.create(lc.api, "artifact", source_uri=f"s3://b/{i}", type=t, **name, **extra))
        else:
            arns.append(crud.create(lc.api, kind, name=f"{kind}{i}", type=t, **extra))
    for a, b in pairs:
        crud.add_association(lc.api, arns[a], arns[b], "AssociatedWith")
    if chain_len:
        tail = chain(lc, chain_len, prefix="c")
        crud.add_association(lc.api, arns[-1], tail[0], "ContributedTo")
        crud.add_association(lc.api, tail[-1], arns[0], "Produced")
    return arns


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=graphs(), data=st.data())
def test_local_trace_is_the_api_trace(spec, data):
    lc = LineageClient("memory://", progress=False)
    arns = _build(lc, spec)
    for _ in range(6):
        start = data.draw(st.sampled_from(arns))
        direction = data.draw(st.sampled_from(["up", "down", "both"]))
        depth = data.draw(st.sampled_from([0, 1, 2, 3, 10, 11, 14, 25]))
        types = data.draw(st.sampled_from([None, None, ["Step"], ["DataSet", "Model"]]))
        lineage_types = data.draw(st.sampled_from([None, None, "Artifact", ["Action", "Context"]]))
        cap = data.draw(st.sampled_from([None, None, 1, 3, 7]))
        kw = dict(
            direction=direction, depth=depth, types=types, lineage_types=lineage_types, max_vertices=cap
        )
        api = LineageClient(lc.sagemaker, progress=False).api  # fresh caches for each path
        by_api = trace_ops.trace(api, start, via_api=True, **kw)
        local = trace_ops.trace(lc.api, start, **kw)
        _same(by_api, local)


def test_local_trace_is_one_call_and_forcing_the_api_path(lc):
    arns = chain(lc, 30)
    counter = CallCounter(lc.sagemaker)
    g = lc.trace(arns[0], direction="down", depth=25)
    assert len(g) == 26 and counter.total == 0  # resolved by ARN, walked in one store call
    lc.api.trace_via_api = True
    again = lc.trace(arns[0], direction="down", depth=25)
    assert counter["QueryLineage"] == 3
    _same(g, again)


@pytest.mark.parametrize("flag", ["throttle=0.2&seed=1", "latency=0.001"])
def test_a_store_behaving_like_a_remote_one_is_traced_through_the_api(flag):
    lc = LineageClient(f"memory://?{flag}", progress=False)
    arns = chain(lc, 3)
    counter = CallCounter(lc.sagemaker)
    lc.trace(arns[0], depth=2)
    assert counter["QueryLineage"] >= 1


def test_a_local_trace_finds_vertices_by_arn_and_adds_new_ones_once(lc):
    arns = chain(lc, 14)
    g = lc.trace(arns[0], direction="down", depth=12)
    assert arns[12] in g and arns[13] not in g and g.vertex(arns[12]).depth == 12
    assert g.add_vertex(Vertex(arns[12], "Action", depth=99)) is g.vertex(arns[12])
    added = g.add_vertex(Vertex(arns[13], "Action", depth=13))
    assert g.vertex(arns[13]) is added and g.vertices[-1] is added and len(g) == 14
    assert all(type(e) is Edge for e in g.edges) and len(g.edges) == 12
