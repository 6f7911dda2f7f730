"""The Jupyter display: SVG plus text with ``dot``; one install line plus text without it."""

from __future__ import annotations

import os

import pytest
from IPython.core.formatters import DisplayFormatter
from render_helpers import graph_label_texts, parse_svg, svg_nodes

from lineage_magics.graph import LineageGraph
from lineage_magics.render.graphviz import DotNotFoundError
from lineage_magics.render.mimebundle import TEXT_MAX_VERTICES
from lineage_magics.render.text import to_text

INSTALL = ("apt-get install graphviz", "conda install graphviz", "brew install graphviz")


@pytest.fixture(params=["empty PATH", "PATH without dot"])
def no_dot(request, monkeypatch, tmp_path):
    """A PATH on which there is no ``dot``: what a machine without Graphviz has."""
    monkeypatch.setitem(os.environ, "PATH", "" if request.param == "empty PATH" else str(tmp_path))


def test_bundle_has_svg_png_and_a_short_text(mnist):
    bundle = mnist._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "image/png", "text/plain"}
    assert bundle["image/png"].startswith(b"\x89PNG\r\n\x1a\n")
    assert len(svg_nodes(parse_svg(bundle["image/svg+xml"]))) == 12
    assert bundle["text/plain"] == to_text(mnist, max_vertices=TEXT_MAX_VERTICES)


def test_include_and_exclude_are_honoured(mnist):
    assert set(mnist._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}
    assert set(mnist._repr_mimebundle_(exclude={"image/svg+xml"})) == {"image/png", "text/plain"}
    assert set(mnist._repr_mimebundle_(include={"image/svg+xml", "text/plain"})) == {
        "image/svg+xml",
        "text/plain",
    }


def test_ipython_displays_svg_and_text(mnist):
    data, _ = DisplayFormatter().format(mnist)
    assert (
        "image/svg+xml" in data
        and "image/png" in data
        and data["text/plain"].startswith("lineage: 12 vertices")
    )


def test_without_dot_one_install_line_then_the_text(mnist, no_dot):
    assert not any(os.path.exists(os.path.join(d, "dot")) for d in os.environ["PATH"].split(os.pathsep) if d)
    bundle = mnist._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    first, rest = bundle["text/plain"].split("\n", 1)
    assert all(hint in first for hint in INSTALL)
    assert rest == to_text(mnist, max_vertices=TEXT_MAX_VERTICES)
    assert "Traceback" not in bundle["text/plain"]


def test_without_dot_ipython_shows_no_traceback(mnist, no_dot, capsys):
    data, _ = DisplayFormatter().format(mnist)
    assert set(data) == {"text/plain"}
    assert data["text/plain"].startswith("Graphviz `dot` not found")
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_without_dot_direct_rendering_raises_one_clear_error(mnist, no_dot):
    with pytest.raises(DotNotFoundError) as info:
        mnist.to_svg()
    assert info.value._render_traceback_() == [f"DotNotFoundError: {info.value}"]
    assert "apt-get install graphviz" in str(info.value)


def test_empty_graph_displays_something_sensible():
    bundle = LineageGraph()._repr_mimebundle_()
    assert "empty lineage graph (no vertices)" in graph_label_texts(parse_svg(bundle["image/svg+xml"]))
    assert bundle["text/plain"] == "(empty lineage graph)"
