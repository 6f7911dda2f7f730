"""The SVG that the real ``dot`` draws for a LineageGraph: nodes, colours, edge labels, legend, start, tooltips."""

from __future__ import annotations

import re
import subprocess

import pytest
from render_helpers import (
    SVG,
    fills,
    graph_label_texts,
    parse_svg,
    svg_edges,
    svg_nodes,
    texts,
    tooltip,
)

from lineage_magics.graph import Edge, LineageGraph, Vertex
from lineage_magics.render import style
from lineage_magics.render.graphviz import GRAPH_NAME, render, to_dot, to_svg
from lineage_magics.render.samples import ACCOUNT
from lineage_magics.text import shorten

COLOURS = {"Context": "#ff9900", "Action": "#88c396", "Artifact": "#146eb4", "TrialComponent": "#f6cf61"}


def test_one_node_per_vertex_with_ids_in_traversal_order(mnist):
    root = parse_svg(mnist.to_svg())
    nodes = svg_nodes(root)
    assert sorted(nodes, key=lambda t: int(t[1:])) == [f"n{i}" for i in range(len(mnist.vertices))]
    # The node named n<i> is the i-th vertex: its label starts with that vertex's name.
    for i, v in enumerate(mnist.vertices):
        assert texts(nodes[f"n{i}"])[0] == shorten(v.name, 32, middle=True)


def test_node_ids_are_never_arns_and_the_dot_is_deterministic(mnist):
    source = to_dot(mnist).source
    assert source == to_dot(mnist).source
    assert source.startswith(f"digraph {GRAPH_NAME} {{")
    statements = [line.strip() for line in source.splitlines()]
    node_ids = [s.split(" ", 1)[0] for s in statements if re.match(r"^n\d+ \[", s)]
    assert node_ids == [f"n{i}" for i in range(12)]
    assert not any(s.startswith("arn:") or s.startswith('"arn:') for s in statements)


def test_named_graph_gives_a_stable_svg_title(mnist):
    root = parse_svg(mnist.to_svg())
    assert root.findtext(f"{SVG}g/{SVG}title") == "lineage"


def test_colours_fonts_and_shapes_follow_the_lineage_type(mnist):
    root = parse_svg(mnist.to_svg())
    nodes = svg_nodes(root)
    for i, v in enumerate(mnist.vertices):
        g = nodes[f"n{i}"]
        assert COLOURS[v.lineage_type] in fills(g), v.name
        assert f"lineage-{v.lineage_type.lower()}" in g.get("class").split()
        text_colours = {t.get("fill") for t in g.iter(f"{SVG}text")}
        assert text_colours == {style.readable_on(COLOURS[v.lineage_type])}
        assert style.contrast(COLOURS[v.lineage_type], text_colours.pop()) >= 4.5
    shapes = {kind.shape for kind in style.KINDS.values()}
    assert len(shapes) == len(style.KINDS), "each lineage type has its own shape"


def test_edges_are_labelled_by_association_type(mnist):
    root = parse_svg(mnist.to_svg())
    edges = svg_edges(root)
    ids = {v.arn: f"n{i}" for i, v in enumerate(mnist.vertices)}
    assert len(edges) == len(mnist.edges)
    for e in mnist.edges:
        g = edges[f"{ids[e.source]}->{ids[e.destination]}"]
        assert texts(g) == [e.type]
        assert style.edge_style(e.type).color in {p.get("stroke") for p in g.iter(f"{SVG}path")}


def test_the_legend_lists_just_the_kinds_and_edge_types_present(mnist):
    labels = graph_label_texts(parse_svg(mnist.to_svg()))
    for kind in ("Context", "Action", "Artifact", "TrialComponent", "start"):
        assert kind in labels
    assert "Experiment" not in labels and "Other" not in labels
    edge_entries = {t.split(" ", 1)[1] for t in labels if t[:1] in "━╍┅"}
    assert edge_entries == {e.type for e in mnist.edges}

    only = LineageGraph(
        [
            Vertex(f"{ACCOUNT}:action/a", "Action", "T", "a"),
            Vertex(f"{ACCOUNT}:action/b", "Action", "T", "b"),
        ],
        [Edge(f"{ACCOUNT}:action/a", f"{ACCOUNT}:action/b", "Produced")],
        f"{ACCOUNT}:action/a",
    )
    labels = graph_label_texts(parse_svg(to_svg(only)))
    assert {"Action", "start", "━━▶ Produced"} <= set(labels)
    assert not {"Context", "Artifact", "━━▶ ContributedTo"} & set(labels)
    assert graph_label_texts(parse_svg(to_svg(only, legend=False))) == []


def test_title_option_is_drawn_escaped(mnist):
    labels = graph_label_texts(parse_svg(to_svg(mnist, title="MNIST <lineage> & more")))
    assert labels[0] == "MNIST <lineage> & more"


def test_the_start_vertex_is_marked(mnist):
    root = parse_svg(mnist.to_svg())
    nodes = svg_nodes(root)
    start = nodes["n0"]
    assert "lineage-start" in start.get("class").split()
    outlines = [p for p in start.iter() if p.get("stroke-width") == "3"]
    assert len(outlines) == 2, "a double, thick outline"
    for name, g in nodes.items():
        if name != "n0":
            assert "lineage-start" not in g.get("class").split()
            assert not [p for p in g.iter() if p.get("stroke-width") == "3"]


def test_tooltips_carry_full_arn_source_and_properties(mnist):
    nodes = svg_nodes(parse_svg(mnist.to_svg()))
    for i, v in enumerate(mnist.vertices):
        tip = tooltip(nodes[f"n{i}"]).split("\n")
        assert f"arn: {v.arn}" in tip
        if v.source_uri:
            assert f"source: {v.source_uri}" in tip
        for key, value in v.properties.items():
            assert f"{key}: {value}" in tip


def test_labels_are_short_and_artifacts_show_their_uri_tail(mnist):
    nodes = svg_nodes(parse_svg(mnist.to_svg()))
    model = next(i for i, v in enumerate(mnist.vertices) if v.name == "mnist-model")
    assert texts(nodes[f"n{model}"]) == ["mnist-model", "Model · Artifact", "model.tar.gz"]
    job = next(i for i, v in enumerate(mnist.vertices) if v.lineage_type == "TrialComponent")
    assert texts(nodes[f"n{job}"])[0] == "tensorflow-trai…aws-training-job", "long names keep both ends"


def test_cluster_contexts_boxes_each_context_with_its_members(mnist):
    dot = to_dot(mnist, cluster_contexts=True)
    blocks = re.findall(r"subgraph (cluster_n\d+) \{(.*?)\n\t\}", dot.source, flags=re.S)
    members = {name: set(re.findall(r"^\t\t(n\d+) \[", body, flags=re.M)) for name, body in blocks}
    ids = {v.name: f"n{i}" for i, v in enumerate(mnist.vertices)}
    assert members == {
        "cluster_n0": {
            ids[n] for n in ("mnist-workflow", "mnist-test-images", "mnist-test-labels", "mnist-model")
        }
        | {ids["model-build-step-1700000000"]},
        f"cluster_{ids['mnist-endpoint']}": {ids["mnist-endpoint"], ids["mnist-model-deployment"]},
    }
    root = parse_svg(to_svg(mnist, cluster_contexts=True))
    clusters = [g for g in root.iter(f"{SVG}g") if g.get("class") == "cluster"]
    assert {texts(c)[0] for c in clusters} == {"mnist-workflow", "mnist-endpoint"}
    assert len(svg_nodes(root)) == 12


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_writes_each_format(mnist, tmp_path, fmt, magic):
    path = render(mnist, tmp_path / f"g.{fmt}", format=fmt)
    assert path == str(tmp_path / f"g.{fmt}")
    assert (tmp_path / f"g.{fmt}").read_bytes().startswith(magic)


def test_render_takes_the_format_from_the_suffix_by_default(mnist, tmp_path):
    path = mnist.render(str(tmp_path / "g.png"))
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG") and path.endswith("g.png")
    with pytest.raises(ValueError, match="format must be one of"):
        render(mnist, tmp_path / "g.gif", format="gif")


def test_dot_source_passes_the_real_dot_without_warnings(mnist):
    for options in ({}, {"cluster_contexts": True}, {"max_vertices": 4, "title": "t"}):
        proc = subprocess.run(
            ["dot", "-Tsvg"], input=to_dot(mnist, **options).source.encode(), capture_output=True, check=False
        )
        assert proc.returncode == 0 and proc.stderr == b"", proc.stderr


def test_empty_graph_renders_a_note():
    root = parse_svg(to_svg(LineageGraph()))
    assert svg_nodes(root) == {}
    assert "empty lineage graph (no vertices)" in graph_label_texts(root)


def test_dangling_edges_and_unknown_types_do_not_break_the_drawing():
    a, b = f"{ACCOUNT}:artifact/{'a' * 32}", f"{ACCOUNT}:thing/b"
    g = LineageGraph(
        [Vertex(a, "Artifact", None, None, "s3://b/k"), Vertex(b, None)],
        [Edge(a, b, None), Edge(a, f"{ACCOUNT}:action/missing", "Produced")],
        start="arn:not-in-graph",
    )
    root = parse_svg(to_svg(g))
    nodes = svg_nodes(root)
    assert set(nodes) == {"n0", "n1"}
    assert style.KINDS[None].fill in fills(nodes["n1"])
    assert "lineage-start" in nodes["n0"].get("class"), "the first vertex stands in for a missing start"
    assert texts(nodes["n0"])[0] == "k"
    assert len(svg_edges(root)) == 1
