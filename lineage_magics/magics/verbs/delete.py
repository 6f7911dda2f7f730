"""``%lineage delete REF`` and ``%lineage cleanup CONTEXT``: remove entities and their associations."""

from __future__ import annotations

from ...errors import ServiceError
from ..parsing import add_var_option
from ..registry import Verb


def build_delete(p) -> None:
    p.add_argument("ref", metavar="REF", help="the entity to delete")
    p.add_argument("--cascade", action="store_true", help="remove its associations first")
    p.add_argument("--dry-run", action="store_true", help="show what would be deleted; delete nothing")
    add_var_option(p, "the plan or report")


def run_delete(m, args, cell):
    try:
        result = m.client.delete(args.ref, cascade=args.cascade, dry_run=args.dry_run)
    except ServiceError as exc:
        if args.cascade or exc.code != "ValidationException" or "association" not in str(exc):
            raise
        raise ServiceError(
            f"{exc} Use `%lineage delete {args.ref} --cascade` to remove them with it "
            f"(`--dry-run` shows them first).",
            exc.code,
            exc.operation,
        ) from None
    return m.deliver(args, result)


def build_cleanup(p) -> None:
    p.add_argument(
        "context", metavar="CONTEXT", help="the context to remove with its members nothing else uses"
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan; delete nothing")
    add_var_option(p, "the CleanupPlan or CleanupReport")


def run_cleanup(m, args, cell):
    return m.deliver(args, m.client.cleanup(args.context, dry_run=args.dry_run))


VERBS = {
    "delete": Verb(
        "delete",
        "delete one entity (--cascade: its associations too)",
        build_delete,
        run_delete,
        ("%lineage delete mnist-model --cascade", "%lineage delete model-build-step --cascade --dry-run"),
    ),
    "cleanup": Verb(
        "cleanup",
        "delete a context, its members that nothing else uses, and all their links (no prompt)",
        build_cleanup,
        run_cleanup,
        ("%lineage cleanup mnist-workflow --dry-run", "%lineage cleanup mnist-workflow"),
    ),
}
