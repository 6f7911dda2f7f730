"""The Jupyter display of a LineageGraph: SVG and PNG when ``dot`` is there, always a short text tree.

Every notebook viewer shows one of them: JupyterLab shows the SVG of a trusted notebook and the PNG
of an untrusted one (opened from disk, or on GitHub), a terminal the text. A graph wider than
``FIT_WIDTH_PT`` is drawn top to bottom when that is narrower, and is then scaled to the output
area's width (``width="100%"``; the PNG is scaled by the front end's ``max-width: 100%``), unless
``full_size`` (or ``SETTINGS.full_size``, which ``%config LineageMagics.full_size_graphs`` sets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..graph import LineageGraph
from .graphviz import DotNotFoundError, RenderError, drawn, to_dot
from .text import to_text

TEXT_MAX_VERTICES = 40
FIT_WIDTH_PT = 675  # 900 CSS pixels: narrower than a notebook's output area at usual window sizes
NARROWER = 0.8  # top to bottom is used when it is at most this share of the left-to-right width
PNG_MAX_PIXELS = 4_000_000  # a bigger layout is drawn at a lower resolution (the notebook stays small)
PNG_DPI = 96  # CSS pixels: the PNG shows at the size of the SVG

_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


@dataclass
class Settings:
    """How graphs are displayed: ``full_size`` draws them left to right at their natural size."""

    full_size: bool = False


SETTINGS = Settings()


@dataclass(frozen=True)
class Drawing:
    """A graph as displayed: its SVG, the direction it was laid out in, its natural size in points,
    and the Digraph it was drawn from (a PNG is drawn from the same one)."""

    svg: str
    rankdir: str
    width: float
    height: float
    fitted: bool  # scaled to the output area's width
    dot: Any = field(compare=False, repr=False)


def svg_size(svg: str) -> tuple[float, float]:
    """The (width, height) in points that ``dot`` gave an SVG."""
    found = _SIZE.search(svg)
    if not found:
        raise RenderError("dot wrote an SVG without a size")
    return float(found.group(1)), float(found.group(2))


def fit_width(svg: str) -> str:
    """The SVG scaled to its container's width (``width="100%"``, height from the viewBox)."""
    return _SIZE.sub('<svg width="100%"', svg, count=1)


def draw(graph: LineageGraph, *, full_size: bool | None = None, **options) -> Drawing:
    """The SVG to display: left to right; top to bottom when left to right is too wide and top to
    bottom is narrower; scaled to the width when it is still too wide (not with ``full_size``).
    The Digraph is built once; each direction is a graph attribute of its own ``dot`` run."""
    full = SETTINGS.full_size if full_size is None else full_size
    dot = to_dot(graph, **options)
    svg = drawn(dot, "svg").decode("utf-8")
    width, height = svg_size(svg)
    rankdir = dot.graph_attr.get("rankdir", "LR")
    if full or width <= FIT_WIDTH_PT:
        return Drawing(svg, rankdir, width, height, False, dot)
    tall = drawn(dot, "svg", rankdir="TB").decode("utf-8")
    tall_width, tall_height = svg_size(tall)
    if tall_width <= width * NARROWER:
        svg, rankdir, width, height = tall, "TB", tall_width, tall_height
    fitted = width > FIT_WIDTH_PT
    return Drawing(fit_width(svg) if fitted else svg, rankdir, width, height, fitted, dot)


def png(drawing: Drawing) -> bytes:
    """The drawing as PNG, at CSS-pixel size (lower resolution beyond ``PNG_MAX_PIXELS``), from the
    Digraph the SVG was drawn from."""
    pixels = (drawing.width * PNG_DPI / 72) * (drawing.height * PNG_DPI / 72)
    dpi = PNG_DPI if pixels <= PNG_MAX_PIXELS else max(24, int(PNG_DPI * (PNG_MAX_PIXELS / pixels) ** 0.5))
    return drawn(drawing.dot, "png", rankdir=drawing.rankdir, dpi=str(dpi))


def _wanted(mime: str, include, exclude) -> bool:
    return (not include or mime in include) and not (exclude and mime in exclude)


def mimebundle(graph: LineageGraph, include=None, exclude=None, *, full_size: bool | None = None) -> dict:
    """``{"image/svg+xml": ..., "image/png": ..., "text/plain": ...}``; without ``dot``, one install
    line then the text. ``full_size``: no fitting (default ``SETTINGS.full_size``).

    Never raises for a missing or failing ``dot``: the reason becomes the first text line.
    """
    bundle: dict = {}
    text = to_text(graph, max_vertices=TEXT_MAX_VERTICES)
    images = [m for m in ("image/svg+xml", "image/png") if _wanted(m, include, exclude)]
    if images:
        try:
            drawing = draw(graph, full_size=full_size)
            if "image/svg+xml" in images:
                bundle["image/svg+xml"] = drawing.svg
            if "image/png" in images:
                bundle["image/png"] = png(drawing)
        except (DotNotFoundError, RenderError, OSError) as exc:
            bundle.pop("image/svg+xml", None)
            text = f"{(str(exc) or type(exc).__name__).splitlines()[0]}\n{text}"
    if _wanted("text/plain", include, exclude):
        bundle["text/plain"] = text
    return bundle


class Picture:
    """A graph to display with explicit options: ``Picture(graph, full_size=True)`` in a cell shows
    it left to right at its natural size, whatever the setting."""

    def __init__(self, graph: LineageGraph, *, full_size: bool | None = None) -> None:
        self.graph = graph
        self.full_size = full_size

    def __repr__(self) -> str:
        return to_text(self.graph, max_vertices=TEXT_MAX_VERTICES)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return mimebundle(self.graph, include, exclude, full_size=self.full_size)
