"""The one table of output formats: name, file extensions, MIME type, text or bytes, and how a
LineageGraph becomes it. The export verb, the trace verb, the explore form and ``render`` read it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import LineageError
from ..graph import LineageGraph


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]  # the first is the one written
    mime: str
    binary: bool  # bytes (png, pdf) rather than text
    make: Callable[..., Any]  # make(graph, **options) -> str | bytes
    graphviz: bool = False  # drawn by the dot binary (options: to_dot's, such as max_vertices)

    @property
    def extension(self) -> str:
        return self.extensions[0]


def _drawn(fmt: str) -> Callable[..., bytes]:
    def make(graph: LineageGraph, **options: Any) -> bytes:
        from .graphviz import to_bytes

        return to_bytes(graph, fmt, **options)

    return make


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("svg", ("svg",), "image/svg+xml", False, lambda g, **o: g.to_svg(**o), graphviz=True),
        Format("png", ("png",), "image/png", True, _drawn("png"), graphviz=True),
        Format("pdf", ("pdf",), "application/pdf", True, _drawn("pdf"), graphviz=True),
        Format("dot", ("dot", "gv"), "text/vnd.graphviz", False, lambda g, **o: g.to_dot(**o).source),
        Format("mermaid", ("mmd", "mermaid"), "text/plain", False, lambda g, **o: g.to_mermaid(**o)),
        Format("json", ("json",), "application/json", False, lambda g, **o: g.to_json(**o)),
        Format("openlineage", ("openlineage.json",), "application/json", False,
               lambda g, **o: json.dumps(g.to_openlineage(**o), indent=2)),
        Format("text", ("txt",), "text/plain", False, lambda g, **o: g.to_text(**o)),
    )
}  # fmt: skip
EXPORT_FORMATS = ("dot", "svg", "png", "mermaid", "json", "openlineage")  # what `export` writes
DRAWN_FORMATS = tuple(n for n, f in FORMATS.items() if f.graphviz)


def by_extension(path: str | os.PathLike) -> str | None:
    """The format a file name implies (``lineage.mmd`` -> ``mermaid``), or None."""
    name = os.fspath(path).lower()
    matches = [
        (len(ext), f.name) for f in FORMATS.values() for ext in f.extensions if name.endswith("." + ext)
    ]
    return max(matches)[1] if matches else None


def export(graph: LineageGraph, format: str, **options: Any) -> str | bytes:
    """The graph in ``format`` (text, or bytes for png and pdf)."""
    try:
        fmt = FORMATS[format]
    except KeyError:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}") from None
    return fmt.make(graph, **options)


def save(data: str | bytes, path: str) -> str:
    """Write an export (text as UTF-8, or bytes) to ``path`` (``~`` expanded); the path written.
    A path that cannot be written is one LineageError line."""
    path = os.path.expanduser(path)
    try:
        if isinstance(data, bytes):
            with open(path, "wb") as f:
                f.write(data)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(data)
    except OSError as exc:
        raise LineageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
