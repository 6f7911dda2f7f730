"""``%lineage delete REF`` and ``%lineage cleanup CONTEXT``: remove entities and their associations."""

from __future__ import annotations

from ...errors import ServiceError
from ..parsing import add_var_option
from ..registry import Result, Verb


def _entity(e) -> dict:
    return {"kind": e.kind, "name": e.name, "type": e.type, "arn": e.arn}


def _association(a) -> dict:
    return {"source": a.source_label, "destination": a.destination_label, "type": a.type,
            "source_arn": a.source_arn, "destination_arn": a.destination_arn}  # fmt: skip


def outcome(result) -> Result:
    """A CleanupPlan (a dry run) or CleanupReport as a Result: the text says what was (or would be) done."""
    if hasattr(result, "deleted_entities"):  # a CleanupReport
        data = {
            "target": _entity(result.target),
            "deleted_entities": [_entity(e) for e in result.deleted_entities],
            "deleted_associations": [_association(a) for a in result.deleted_associations],
            "removed_memberships": [list(m) for m in result.removed_memberships],
            "already_gone": result.already_gone,
            "errors": list(result.errors),
        }
        failed = f"{len(result.errors)} failed; the first: {result.errors[0]}" if result.errors else None
        return Result(result, data=data, text=result.summary(), failed=failed)
    data = {
        "dry_run": True,
        "target": _entity(result.target),
        "entities": [_entity(e) for e in result.entities],
        "associations": [_association(a) for a in result.associations],
        "memberships": [list(m) for m in result.memberships],
        "kept": [{**_entity(e), "reason": why} for e, why in result.kept],
    }
    return Result(result, data=data)


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
    return outcome(result)


def build_cleanup(p) -> None:
    p.add_argument(
        "context", metavar="CONTEXT", help="the context to remove with its members nothing else uses"
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan; delete nothing")
    add_var_option(p, "the CleanupPlan or CleanupReport")


def run_cleanup(m, args, cell):
    return outcome(m.client.cleanup(args.context, dry_run=args.dry_run))


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
