"""``%lineage form entity|link|explore|cleanup [REF]``: an ipywidgets form bound to this shell's client."""

from __future__ import annotations

from ..parsing import add_var_option
from ..registry import Result, Verb

FORMS = ("entity", "link", "explore", "cleanup")


def build(p) -> None:
    p.add_argument("kind", choices=FORMS, help="which form")
    p.add_argument("ref", metavar="REF", nargs="?", help="the entity the form starts from")
    add_var_option(p, "the form widget")


def run(m, args, cell):
    from ... import widgets  # lineage_magics.widgets (the repository's widgets/ folder)

    kwargs = {"ref": args.ref} if args.ref else {}
    return Result(widgets.form(args.kind, m.client, **kwargs))


VERBS = {
    "form": Verb(
        "form",
        "open a form: create an entity, link two, explore a graph, or clean up a context",
        build,
        run,
        ("%lineage form explore mnist-model", "%lineage form entity"),
    )
}
