"""Big graphs: the vertex cap, "+K more" stand-ins and the "showing N of M" caption."""

from __future__ import annotations

import re

import pytest
from render_helpers import graph_label_texts, parse_svg, svg_edges, svg_nodes, texts, tooltip

from lineage_magics.graph import Edge, LineageGraph, Vertex
from lineage_magics.render.graphviz import to_svg
from lineage_magics.render.samples import ACCOUNT, job_graph
from lineage_magics.render.view import DEFAULT_MAX_VERTICES, select


def chain(n: int, *, depths: bool = True) -> LineageGraph:
    """a0 -> a1 -> ... traced from a0 (depth = position)."""
    vs = [
        Vertex(f"{ACCOUNT}:action/a{i}", "Action", "Step", f"a{i}", depth=i if depths else None)
        for i in range(n)
    ]
    es = [Edge(vs[i].arn, vs[i + 1].arn, "ContributedTo") for i in range(n - 1)]
    return LineageGraph(vs, es, vs[0].arn)


def test_a_300_vertex_graph_is_capped_with_a_caption_and_stand_ins(big):
    root = parse_svg(to_svg(big))
    nodes = svg_nodes(root)
    vertex_nodes = [t for t in nodes if t.startswith("n")]
    more_nodes = {t: g for t, g in nodes.items() if t.startswith("m")}
    assert len(vertex_nodes) == DEFAULT_MAX_VERTICES == 150
    assert f"showing 150 of {len(big)} vertices" in graph_label_texts(root)
    assert more_nodes
    counts = []
    for g in more_nodes.values():
        (label,) = texts(g)
        counts.append(int(re.fullmatch(r"\+(\d+) more", label).group(1)))
        assert "raise max_vertices" in tooltip(g)
    assert sum(counts) == len(big) - 150, "every cut vertex is counted once (the graph is connected)"
    # Each stand-in hangs off a kept vertex by one dashed edge.
    edges = svg_edges(root)
    for m in more_nodes:
        attached = [t for t in edges if m in t.split("->")]
        assert len(attached) == 1


def test_kept_vertices_are_the_nearest_by_depth_then_traversal_order(big):
    view = select(big, 40)
    ranked = sorted(range(len(big.vertices)), key=lambda i: (big.vertices[i].depth, i))[:40]
    assert [v.arn for v in view.vertices] == [big.vertices[i].arn for i in sorted(ranked)]
    assert [view.ids[v.arn] for v in view.vertices] == [f"n{i}" for i in sorted(ranked)]


def test_stand_ins_sit_on_the_kept_vertices_whose_neighbours_were_cut():
    view = select(chain(10), 4)
    assert [(m.anchor.rsplit("/", 1)[1], m.count, m.upstream) for m in view.more] == [("a3", 6, False)]
    # Traced from the middle: the cut lies on both sides.
    g = chain(9, depths=False)
    g.start = g.vertices[4].arn
    view = select(g, 3)
    assert sorted(v.name for v in view.vertices) == ["a3", "a4", "a5"]
    assert {(m.anchor.rsplit("/", 1)[1], m.count, m.upstream) for m in view.more} == {
        ("a3", 3, True),
        ("a5", 3, False),
    }
    root = parse_svg(to_svg(g, max_vertices=3))
    edges = set(svg_edges(root))
    ids = {v.name: f"n{i}" for i, v in enumerate(g.vertices)}
    assert {f"m0->{ids['a3']}", f"{ids['a5']}->m1"} <= edges, (
        "upstream stand-ins lead in, downstream lead out"
    )


def test_caption_counts_what_the_graph_itself_left_out():
    g = chain(5)
    g.truncated, g.total_vertices = True, 80
    assert "showing 5 of 80 vertices" in graph_label_texts(parse_svg(to_svg(g)))
    assert "showing 3 of 80 vertices" in graph_label_texts(parse_svg(to_svg(g, max_vertices=3)))
    g.total_vertices = 2  # smaller than what is there: the larger count wins
    assert select(g, 3).caption == "showing 3 of 5 vertices"
    assert select(chain(5)).caption is None


def test_a_5000_vertex_graph_renders_the_capped_view():
    g = job_graph(5000)
    view = select(g)
    assert view.shown == DEFAULT_MAX_VERTICES and view.total == 5000
    root = parse_svg(to_svg(g))
    assert len([t for t in svg_nodes(root) if t.startswith("n")]) == DEFAULT_MAX_VERTICES
    assert "showing 150 of 5000 vertices" in graph_label_texts(root)


def test_max_vertices_is_configurable_and_checked(mnist):
    assert len(svg_nodes(parse_svg(to_svg(mnist, max_vertices=12)))) == 12
    root = parse_svg(to_svg(mnist, max_vertices=1))
    assert [t for t in svg_nodes(root) if t.startswith("n")] == ["n0"]
    for bad in (0, -3, 2.5, "10", True):
        with pytest.raises(ValueError, match="max_vertices must be a positive integer"):
            select(mnist, bad)
