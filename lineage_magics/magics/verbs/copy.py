"""``%lineage copy TO_URL [REF]`` and ``%lineage import FILE``: lineage from another backend or a JSON
export into this one, idempotently."""

from __future__ import annotations

from IPython.core.error import UsageError

from ...connect import check_url
from ..parsing import add_var_option, positive_int
from ..registry import Result, Verb


def outcome(report) -> Result:
    """A CopyReport as a Result (errors: the command exits 1 after printing it)."""
    data = {
        "source": report.source,
        "target": report.target,
        "created": dict(report.created),
        "existing": dict(report.existing),
        "errors": list(report.errors),
        "bulk": report.bulk,
    }
    failed = f"{len(report.errors)} failed; the first: {report.errors[0]}" if report.errors else None
    return Result(report, data=data, failed=failed)


def build(p) -> None:
    p.add_argument(
        "to", metavar="TO_URL", help="the backend to copy to (memory://, sqlite:///PATH.db, sagemaker://...)"
    )
    p.add_argument("ref", metavar="REF", nargs="?", help="copy the graph around REF (default: everything)")
    p.add_argument(
        "--depth", type=positive_int, default=10, metavar="N", help="hops around REF to copy (default 10)"
    )
    add_var_option(p, "the CopyReport")


def run(m, args, cell):
    try:
        to = check_url(args.to)
    except ValueError as exc:
        raise UsageError(f"%lineage copy: {exc}") from None
    return outcome(m.client.copy(to, args.ref, depth=args.depth))


def build_import(p) -> None:
    p.add_argument(
        "file", metavar="FILE", help="a JSON export (%%lineage export REF --format json --out FILE)"
    )
    add_var_option(p, "the CopyReport")


def run_import(m, args, cell):
    return outcome(m.client.import_graph(args.file))


VERBS = {
    "copy": Verb(
        "copy",
        "copy lineage to another backend (e.g. local -> SageMaker); re-running copies nothing twice",
        build,
        run,
        ("%lineage copy sqlite:///backup.db", "%lineage copy sagemaker://us-east-1 mnist-workflow --depth 3"),
    ),
    "import": Verb(
        "import",
        "recreate a JSON export here (one transaction into a local store); re-running imports nothing twice",
        build_import,
        run_import,
        ("%lineage import mnist-lineage.json",),
    ),
}
