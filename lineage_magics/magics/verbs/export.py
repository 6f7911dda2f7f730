"""``%lineage export REF --format F [--out FILE]``: a trace as DOT, SVG, PNG, Mermaid, JSON or OpenLineage."""

from __future__ import annotations

from IPython.core.error import UsageError

from ...render.formats import EXPORT_FORMATS, by_extension, save
from ...render.formats import export as export_graph
from ..parsing import add_trace_options, add_var_option
from ..registry import Result, Verb
from ..results import Message, Text
from .trace import trace


def build(p) -> None:
    p.add_argument("ref", metavar="REF", help="where the exported trace starts")
    if p.frontend == "magic":  # the command's --format and --out are its own, with the same meaning
        p.add_argument(
            "--format",
            choices=EXPORT_FORMATS,
            help="dot, svg, png, mermaid, json or openlineage (default: from --out)",
        )
        p.add_argument("--out", metavar="FILE", help="write to FILE instead of showing the result")
    add_trace_options(p)
    p.add_argument("--no-properties", action="store_true",
                   help="json: leave artifacts' properties out (names and URIs are then read a page of "
                   "100 at a time where that is cheaper than one describe each)")  # fmt: skip
    add_var_option(p, "the exported text (bytes for png)")


def _format(args) -> str:
    format = args.format
    if format is None:
        format = by_extension(args.out) if args.out else None
        if format not in EXPORT_FORMATS:
            raise UsageError(f"%lineage export: give --format ({', '.join(EXPORT_FORMATS)})")
    return format


def run(m, args, cell):
    if args.no_properties and _format(args) != "json":
        raise UsageError("%lineage export: --no-properties applies to --format json")
    _format(args)
    return Result(graph=trace(m, args), json_options={"properties": False} if args.no_properties else None)


def display(m, args, result):
    """The notebook's export: written to --out (a one-line note), or shown (text, SVG or PNG)."""
    format = _format(args)
    graph = result.graph
    data = export_graph(graph, format, **(result.json_options if format == "json" else {}))
    if args.out:
        path = save(data, args.out)
        return Result(Message(f"wrote {path} ({format}, {len(graph.vertices)} vertices)"), value=data)
    if format == "png":
        from IPython.display import Image

        return Result(Image(data=data, format="png"), value=data)
    if format == "svg":
        from IPython.display import SVG

        return Result(SVG(data=data), value=data)
    return Result(Text(data, format), value=data)


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
        output="graph",
        formats=EXPORT_FORMATS,
        display=display,
    )
}
