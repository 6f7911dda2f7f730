"""The Jupyter display of a LineageGraph: SVG when ``dot`` is there, always a short text tree."""

from __future__ import annotations

from ..graph import LineageGraph
from .graphviz import DotNotFoundError, RenderError, to_svg
from .text import to_text

TEXT_MAX_VERTICES = 40


def _wanted(mime: str, include, exclude) -> bool:
    return (not include or mime in include) and not (exclude and mime in exclude)


def mimebundle(graph: LineageGraph, include=None, exclude=None) -> dict[str, str]:
    """``{"image/svg+xml": ..., "text/plain": ...}``; without ``dot``, one install line then the text.

    Never raises for a missing or failing ``dot``: the reason becomes the first text line.
    """
    bundle: dict[str, str] = {}
    text = to_text(graph, max_vertices=TEXT_MAX_VERTICES)
    if _wanted("image/svg+xml", include, exclude):
        try:
            bundle["image/svg+xml"] = to_svg(graph)
        except (DotNotFoundError, RenderError, OSError) as exc:
            text = f"{(str(exc) or type(exc).__name__).splitlines()[0]}\n{text}"
    if _wanted("text/plain", include, exclude):
        bundle["text/plain"] = text
    return bundle
