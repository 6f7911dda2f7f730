"""Graphs fit the notebook's width: a long chain is drawn top to bottom, a still-wide graph is scaled to
the output area, a small one keeps its size; full size on demand; the PNG matches the SVG."""

from __future__ import annotations

import struct

import pytest
from render_helpers import parse_svg, svg_nodes

from lineage_magics.graph import Edge, Vertex
from lineage_magics.render import mimebundle as mb
from lineage_magics.render.graphviz import to_dot
from lineage_magics.render.samples import arn, with_depths


def chain(n: int):
    """``n`` artifacts in a line, each derived from the one before: wide left to right."""
    vs = [
        Vertex(arn("artifact", f"s3://b/step-{i}"), "Artifact", "DataSet", f"dataset-step-{i}")
        for i in range(n)
    ]
    es = [Edge(vs[i + 1].arn, vs[i].arn, "DerivedFrom") for i in range(n - 1)]
    return with_depths(vs, es, vs[0].arn)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


@pytest.fixture(autouse=True)
def default_settings():
    before = mb.SETTINGS.full_size
    yield
    mb.SETTINGS.full_size = before


def test_a_small_graph_keeps_its_size_and_direction():
    graph = chain(2)
    drawing = mb.draw(graph)
    assert (drawing.rankdir, drawing.fitted) == ("LR", False)
    assert drawing.width <= mb.FIT_WIDTH_PT
    assert f'<svg width="{drawing.width:g}pt"' in drawing.svg


def test_a_long_chain_is_drawn_top_to_bottom_and_fits():
    graph = chain(9)
    wide = mb.svg_size(graph.to_svg())[0]
    assert wide > 2 * mb.FIT_WIDTH_PT  # left to right it would not fit
    drawing = mb.draw(graph)
    assert drawing.rankdir == "TB"
    assert drawing.width <= mb.FIT_WIDTH_PT and not drawing.fitted
    assert len(svg_nodes(parse_svg(drawing.svg))) == 9


def test_a_graph_wide_both_ways_is_scaled_to_the_output_width(big):
    drawing = mb.draw(big)
    assert drawing.width > mb.FIT_WIDTH_PT and drawing.fitted
    root = parse_svg(drawing.svg)
    assert root.get("width") == "100%" and root.get("height") is None and root.get("viewBox")


def test_full_size_on_demand_and_by_setting():
    graph = chain(9)
    for drawing in (mb.draw(graph, full_size=True), mb.Picture(graph, full_size=True)):
        svg = drawing.svg if isinstance(drawing, mb.Drawing) else drawing._repr_mimebundle_()["image/svg+xml"]
        width, _ = mb.svg_size(svg)
        assert width > 2 * mb.FIT_WIDTH_PT and "rankdir" not in svg  # left to right, natural size
    mb.SETTINGS.full_size = True
    assert mb.draw(graph).rankdir == "LR" and not mb.draw(graph).fitted
    assert mb.draw(graph, full_size=False).rankdir == "TB"


def test_the_png_is_the_same_drawing_at_css_pixel_size():
    graph = chain(9)
    drawing = mb.draw(graph)
    bundle = mb.mimebundle(graph)
    w, h = png_size(bundle["image/png"])
    assert abs(w - drawing.width * 96 / 72) <= 2 and abs(h - drawing.height * 96 / 72) <= 2
    assert h > w  # top to bottom, as the SVG


def test_a_huge_png_is_drawn_at_a_lower_resolution(big, monkeypatch):
    monkeypatch.setattr(mb, "PNG_MAX_PIXELS", 1_000_000)
    drawing = mb.draw(big)
    w, h = png_size(mb.png(drawing))
    assert w * h <= 1_000_000 * 1.1 and w < drawing.width * 96 / 72 / 2


def test_rankdir_is_checked():
    with pytest.raises(ValueError, match="rankdir must be one of LR, TB, not 'RL'"):
        to_dot(chain(2), rankdir="RL")
