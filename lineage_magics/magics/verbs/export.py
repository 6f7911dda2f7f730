"""``%lineage export REF --format F [--out FILE]``: a trace as DOT, SVG, PNG, Mermaid, JSON or OpenLineage."""

from __future__ import annotations

import json
import os

from IPython.core.error import UsageError

from ..parsing import add_trace_options, add_var_option
from ..registry import Verb
from ..results import Message, Text
from .trace import trace

FORMATS = ("dot", "svg", "png", "mermaid", "json", "openlineage")
_EXTENSIONS = {".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png", ".mmd": "mermaid", ".json": "json"}


def build(p) -> None:
    p.add_argument("ref", metavar="REF", help="where the exported trace starts")
    p.add_argument(
        "--format", choices=FORMATS, help="dot, svg, png, mermaid, json or openlineage (default: from --out)"
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of showing the result")
    add_trace_options(p)
    add_var_option(p, "the exported text (bytes for png)")


def export_text(graph, format: str) -> str:
    """The graph as text in a text format."""
    if format == "dot":
        return graph.to_dot().source
    if format == "svg":
        return graph.to_svg()
    if format == "mermaid":
        return graph.to_mermaid()
    if format == "json":
        return graph.to_json()
    return json.dumps(graph.to_openlineage(), indent=2)


def _png(graph) -> bytes:
    """PNG bytes of the graph, drawn by ``LineageGraph.render`` into a temporary file."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = graph.render(os.path.join(tmp, "lineage.png"), format="png")
        with open(path, "rb") as f:
            return f.read()


def run(m, args, cell):
    format = args.format
    if format is None:
        ext = os.path.splitext(args.out or "")[1].lower()
        format = _EXTENSIONS.get(ext)
        if format is None:
            raise UsageError(f"%lineage export: give --format ({', '.join(FORMATS)})")
    graph = trace(m, args)
    if args.out:
        path = os.path.expanduser(args.out)
        if format == "png":
            path = graph.render(path, format="png")
            with open(path, "rb") as f:
                data = f.read()
        else:
            data = export_text(graph, format)
            with open(path, "w", encoding="utf-8") as f:
                f.write(data)
        return m.deliver(
            args, Message(f"wrote {path} ({format}, {len(graph.vertices)} vertices)"), value=data
        )
    if format == "png":
        from IPython.display import Image

        data = _png(graph)
        return m.deliver(args, Image(data=data, format="png"), value=data)
    data = export_text(graph, format)
    if format == "svg":
        from IPython.display import SVG

        return m.deliver(args, SVG(data=data), value=data)
    return m.deliver(args, Text(data, format), value=data)


VERBS = {
    "export": Verb(
        "export",
        "export a trace as DOT, SVG, PNG, Mermaid, JSON or OpenLineage events",
        build,
        run,
        (
            "%lineage export mnist-model --format openlineage --out lineage.json",
            "%lineage export mnist-workflow --format mermaid --direction down",
        ),
    )
}
