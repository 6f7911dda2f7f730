"""``%lineage impact REF`` and ``%lineage diff A B``: what depends on an entity; how two graphs differ."""

from __future__ import annotations

from ..parsing import add_var_option
from ..registry import Result, Verb

IMPACT_COLUMNS = ["lineage_type", "type", "name", "depth", "path", "arn"]
DIFF_COLUMNS = ["change", "what", "lineage_type", "type", "name", "detail"]


def build_impact(p) -> None:
    p.add_argument("ref", metavar="REF", help="the entity whose downstream to report")
    add_var_option(p, "the ImpactReport")


def run_impact(m, args, cell):
    report = m.client.impact(args.ref)
    rows = [
        {"lineage_type": it.vertex.lineage_type, "type": it.vertex.type, "name": it.vertex.label,
         "depth": it.depth, "path": " -> ".join(it.labels), "arn": it.vertex.arn}
        for group in report.groups.values()
        for it in group
    ]  # fmt: skip
    return Result(report, rows=rows, columns=IMPACT_COLUMNS, text=repr(report))


def build_diff(p) -> None:
    p.add_argument("a", metavar="A", help="a context ref")
    p.add_argument("b", metavar="B", help="another context ref")
    p.add_argument("--check", action="store_true", help="fail (exit 1) when the two graphs differ")
    add_var_option(p, "the GraphDiff")


def run_diff(m, args, cell):
    diff = m.client.diff(args.a, args.b)
    problem = (
        f"{args.a} and {args.b} differ: {len(diff)} differences" if args.check and not diff.same else None
    )
    return Result(diff, rows=diff.rows(), columns=DIFF_COLUMNS, text=repr(diff), problem=problem)


VERBS = {
    "impact": Verb(
        "impact",
        "report everything downstream of an entity (what a bad dataset affects)",
        build_impact,
        run_impact,
        ("%lineage impact mnist-test-images",),
        output="table",
    ),
    "diff": Verb(
        "diff",
        "compare the graphs of two contexts",
        build_diff,
        run_diff,
        ("%lineage diff workflow-v1 workflow-v2 -o d",),
        output="table",
        terminal_examples=("lineage diff workflow-v1 workflow-v2 --check --format csv",),
    ),
}
