"""Hostile user text: every rendering accepts it, shows it literally and never emits it raw."""

from __future__ import annotations

import json
import subprocess

import pytest
from render_helpers import HOSTILE, graph_label_texts, hostile_graph, parse_svg, svg_nodes, texts, tooltip

from lineage_magics.render.graphviz import to_dot, to_svg
from lineage_magics.render.jsonexport import from_json, to_json
from lineage_magics.render.mermaid import to_mermaid
from lineage_magics.render.mimebundle import mimebundle
from lineage_magics.render.table import to_dataframe
from lineage_magics.render.text import to_text
from lineage_magics.text import shorten, visible

OPTIONS = [
    {},
    {"cluster_contexts": True},
    {"max_vertices": 5, "title": '<script>alert(1)</script> "t" \\ & {|}'},
]


@pytest.mark.parametrize("options", OPTIONS)
def test_real_dot_accepts_the_hostile_corpus_silently(options):
    source = to_dot(hostile_graph(), **options).source
    proc = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b"", proc.stderr  # no HTML-label or syntax errors that dot "recovers" from
    assert "<script" not in proc.stdout.decode("utf-8").lower()


def test_svg_shows_hostile_names_literally():
    g = hostile_graph()
    root = parse_svg(to_svg(g))
    nodes = svg_nodes(root)
    assert len(nodes) == len(g.vertices)
    for i, v in enumerate(g.vertices):
        shown = texts(nodes[f"n{i}"])
        assert shown[0] == shorten(visible(v.name), 32, middle=True)
        tip = tooltip(nodes[f"n{i}"])
        assert f"arn: {v.arn}" in tip.split("\n")
        if v.source_uri:
            assert f"source: {visible(v.source_uri)}" in tip.split("\n")
    # Exact literal round trips through DOT and SVG escaping.
    by_name = {texts(n)[0]: n for n in nodes.values()}
    assert '"quoted" name' in by_name
    assert "<b>not bold</b>" in by_name
    assert "a & b &amp; c" in by_name
    assert "back\\slash\\" in by_name
    assert "\\N \\G \\l \\n dot escapes" in by_name
    assert "line\\nbreak\\r\\ttab" in by_name
    tip = tooltip(by_name["back\\slash\\"]).split("\n")
    assert "back\\slash\\: back\\slash\\" in tip


def test_no_unescaped_script_anywhere_in_svg_or_html_output():
    g = hostile_graph()
    outputs = [
        to_svg(g),
        to_svg(g, cluster_contexts=True, title="<script>alert(1)</script>"),
        to_svg(g, max_vertices=3),
        mimebundle(g)["image/svg+xml"],
        to_dataframe(g).to_html(),
        to_mermaid(g),
    ]
    for out in outputs:
        assert "<script" not in out.lower()
    assert graph_label_texts(parse_svg(outputs[1]))[0] == "<script>alert(1)</script>"


def test_no_control_characters_reach_svg_text_or_mermaid():
    g = hostile_graph()
    for out in (to_svg(g), to_mermaid(g), to_text(g)):
        bad = [c for c in out if (ord(c) < 0x20 and c not in "\n") or 0x7F <= ord(c) <= 0x9F]
        assert bad == []
        out.encode("utf-8")  # no lone surrogates


def test_text_rendering_makes_control_characters_visible():
    out = to_text(hostile_graph())
    assert "bell\\x07 esc\\x1b[31m nul\\x00 del\\x7f c1\\x85" in out
    assert "line\\nbreak\\r\\ttab" in out
    assert "lone \\ud800 surrogate \\uffff" in out


def test_json_keeps_hostile_text_exactly():
    g = hostile_graph()
    text = to_json(g)
    text.encode("utf-8")
    back = from_json(text)
    assert [vars(v) for v in back.vertices] == [vars(v) for v in g.vertices]
    assert json.loads(text)["vertices"][1]["name"] == HOSTILE[0]
