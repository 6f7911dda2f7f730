"""``%lineage trace REF``: walk the lineage graph and show it (SVG, DOT, Mermaid, text, JSON or a table)."""

from __future__ import annotations

from ...render.formats import export
from ..parsing import add_trace_options, add_var_option
from ..registry import Result, Verb
from ..results import Text, TraceResult

FORMATS = ("svg", "dot", "mermaid", "text", "json", "table")  # table: a DataFrame; the rest: render.formats


def build(p) -> None:
    p.add_argument("ref", metavar="REF", help="where to start: ARN, name, or artifact source URI")
    add_trace_options(p)
    p.add_argument(
        "--require-type",
        dest="require_types",
        action="append",
        metavar="T",
        help="fail (exit 1) unless the trace reaches an entity of type T (or lineage type T); repeatable",
    )
    if p.frontend == "magic":  # the command has its own --format and --out
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


def missing(graph, args, depth: int) -> str | None:
    """What ``--require-type`` asked for and the trace did not reach (the start aside), or None."""
    found = {t.lower() for v in graph.vertices if v.arn != graph.start for t in (v.type, v.lineage_type) if t}
    absent = [t for t in args.require_types or () if t.lower() not in found]
    if not absent:
        return None
    where = {"up": "upstream of", "down": "downstream of", "both": "around"}[args.direction]
    cut = f", {len(graph.vertices)} vertices shown (--max)" if graph.truncated else ""
    return f"no {' or '.join(absent)} {where} {args.ref} within {depth} hops{cut}"


def run(m, args, cell):
    graph = trace(m, args)
    return Result(graph=graph, problem=missing(graph, args, args.depth or m.default_depth))


def display(m, args, result):
    """The notebook's view of the trace: the interactive graph where widgets render (the static
    picture elsewhere), or the graph as ``--format`` asks."""
    graph = result.graph
    shown = rendered(graph, args.format)
    if shown is not graph:
        return Result(shown)
    options = {
        "direction": args.direction,
        "depth": args.depth or m.default_depth,
        "types": args.types or None,
        "lineage_types": args.lineage_types or None,
        "max_vertices": args.max_vertices or m.max_vertices,
    }
    return Result(TraceResult.of(graph, m.client, options), value=graph)


VERBS = {
    "trace": Verb(
        "trace",
        "walk the lineage graph from an entity and show it",
        build,
        run,
        (
            "%lineage trace mnist-model --direction up --depth 5",
            "%lineage trace mnist-workflow --lineage-type Artifact --format table -o df",
            "%lineage trace mnist-model --direction up --depth 25 --require-type TestData",
        ),
        output="graph",
        display=display,
        terminal_examples=("lineage trace mnist-workflow --direction down --format csv --out lineage.csv",),
    )
}
