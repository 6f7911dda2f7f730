"""``%lineage impact REF`` and ``%lineage diff A B``: what depends on an entity; how two graphs differ."""

from __future__ import annotations

from ..parsing import add_var_option
from ..registry import Verb


def build_impact(p) -> None:
    p.add_argument("ref", metavar="REF", help="the entity whose downstream to report")
    add_var_option(p, "the ImpactReport")


def run_impact(m, args, cell):
    return m.deliver(args, m.client.impact(args.ref))


def build_diff(p) -> None:
    p.add_argument("a", metavar="A", help="a context ref")
    p.add_argument("b", metavar="B", help="another context ref")
    add_var_option(p, "the GraphDiff")


def run_diff(m, args, cell):
    return m.deliver(args, m.client.diff(args.a, args.b))


VERBS = {
    "impact": Verb(
        "impact",
        "report everything downstream of an entity (what a bad dataset affects)",
        build_impact,
        run_impact,
        ("%lineage impact mnist-test-images",),
    ),
    "diff": Verb(
        "diff",
        "compare the graphs of two contexts",
        build_diff,
        run_diff,
        ("%lineage diff workflow-v1 workflow-v2 -o d",),
    ),
}
