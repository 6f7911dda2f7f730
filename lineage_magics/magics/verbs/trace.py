"""``%lineage trace REF``: walk the lineage graph and show it (SVG, DOT, Mermaid, text, JSON or a table)."""

from __future__ import annotations

from ...render.formats import export
from ..parsing import add_trace_options, add_var_option
from ..registry import Verb
from ..results import Text, TraceResult

FORMATS = ("svg", "dot", "mermaid", "text", "json", "table")  # table: a DataFrame; the rest: render.formats


def build(p) -> None:
    p.add_argument("ref", metavar="REF", help="where to start: ARN, name, or artifact source URI")
    add_trace_options(p)
    p.add_argument("--format", choices=FORMATS, default="svg", help="how to show the graph (default svg)")
    add_var_option(p, "the LineageGraph (or, with --format, the text or DataFrame)")


def trace(m, args):
    """The LineageGraph the trace options ask for."""
    return m.client.trace(
        args.ref,
        direction=args.direction,
        depth=args.depth or m.default_depth,
        types=args.types or None,
        lineage_types=args.lineage_types or None,
        max_vertices=args.max_vertices or m.max_vertices,
    )


def rendered(graph, format: str):
    """The graph in ``format``: the graph itself for svg, a DataFrame for table, else Text."""
    if format == "svg":
        return graph
    if format == "table":
        return graph.to_dataframe()
    return Text(export(graph, format), format)


def run(m, args, cell):
    graph = trace(m, args)
    shown = rendered(graph, args.format)
    if shown is graph:  # the interactive graph where widgets render, the static picture elsewhere
        options = {
            "direction": args.direction,
            "depth": args.depth or m.default_depth,
            "types": args.types or None,
            "lineage_types": args.lineage_types or None,
            "max_vertices": args.max_vertices or m.max_vertices,
        }
        return m.deliver(args, TraceResult.of(graph, m.client, options), graph)
    return m.deliver(args, shown)


VERBS = {
    "trace": Verb(
        "trace",
        "walk the lineage graph from an entity and show it",
        build,
        run,
        (
            "%lineage trace mnist-model --direction up --depth 5",
            "%lineage trace mnist-workflow --lineage-type Artifact --format table -o df",
        ),
    )
}
