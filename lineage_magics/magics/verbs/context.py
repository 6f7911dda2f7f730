"""``%%lineage context NAME``: declare a workflow in the cell DSL and apply it idempotently; and
``lineage apply FILE``, the same cell read from a file or stdin."""

from __future__ import annotations

import sys

from IPython.core.error import UsageError

from ..dsl import LineageSyntaxError, parse_cell, strip_comment
from ..parsing import VerbParser, add_var_option, split_args
from ..registry import Result, Verb
from ..results import ContextView

DETAILS = """cell lines (one declaration a line; shell quoting; '#' at the start of a word begins a comment):
  artifact NAME TYPE URI [k=v ...]
  action NAME TYPE [uri=URI] [status=S] [k=v ...]
  context NAME TYPE [uri=URI] [k=v ...]
  property k=v ...                      the context's own properties
  A -> B [-> C ...] [TYPE]              TYPE: ContributedTo, AssociatedWith, DerivedFrom, Produced, SameAs
An edge endpoint is a name declared in the cell or a ref to an existing entity; without TYPE an edge gets
SageMaker's default (artifact->action ContributedTo, action->artifact Produced, artifact->artifact DerivedFrom,
else AssociatedWith). Every declared entity is linked from the context (AssociatedWith). The whole cell is
checked before anything is written; errors name the line (the %%lineage line is line 1)."""

EXAMPLE = """%%lineage context mnist-workflow --type MLWorkflow --source-uri 1700000000 -o ctx
  property example=true
  artifact mnist-test-images TestData https://example.com/t10k-images-idx3-ubyte.gz
  action   model-build-step  ModelBuild status=Completed Example=Metadata
  artifact mnist-model       Model s3://bucket/model.tar.gz
  mnist-test-images -> model-build-step -> mnist-model"""


def build(p) -> None:
    p.add_argument("name", metavar="NAME", help="the context (created if missing)")
    build_options(p)
    add_var_option(p, "the ApplyResult")


def build_options(p) -> None:
    """The options of ``%%lineage context`` and ``lineage apply``."""
    p.add_argument("--type", metavar="T", help="the context type (default Workflow)")
    p.add_argument("--source-uri", metavar="U", help="the context's source URI")
    p.add_argument("--description", metavar="D", help="the context's description")
    p.add_argument(
        "--prune",
        action="store_true",
        help="remove the context's links and edges the cell no longer declares",
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan; write nothing")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail (exit 1) when the store differs from the cell",
    )


def summary(result, dry_run: bool) -> str:
    """One line: what the apply changed (or would change)."""
    name = result.context.name if result.context is not None else "context"
    if not result.changed:
        return f"context {name}: nothing to change" if dry_run else f"context {name}: unchanged"
    parts = [
        f"{len(getattr(result, attr))} {label}"
        for attr, label in (
            ("created", "created"),
            ("updated", "updated"),
            ("linked", "linked"),
            ("unlinked", "unlinked"),
        )
        if len(getattr(result, attr))
    ]
    verb = "would change" if dry_run else "changed"
    return f"context {name} {verb}: {', '.join(parts)}"


def run(m, args, cell):
    cell = cell or ""
    if cell.rstrip().endswith(";"):  # the trailing ';' that silences the output is not part of the DSL
        cell = cell.rstrip()[:-1]
    spec = parse_cell(
        cell,
        args.name,
        context_type=args.type,
        source_uri=args.source_uri,
        description=args.description,
    )
    return applied(m, spec, args)


def applied(m, spec, args) -> Result:
    """Apply ``spec`` (``--check``: as a dry run that fails when something would change)."""
    dry_run = args.dry_run or args.check
    result = m.client.apply(spec, prune=args.prune, dry_run=dry_run)
    problem = f"{summary(result, True)} (--check)" if args.check and result.changed else None
    return Result(result, data=_data(result), problem=problem)


def _data(result) -> dict:
    context = result.context
    data = {"context": context.name if context is not None else None}
    data["arn"] = context.arn if context is not None else None
    for key in ("created", "updated", "linked", "unlinked", "unchanged", "actions", "warnings"):
        data[key] = list(getattr(result, key))
    data.update(entities=dict(result.entities), dry_run=result.dry_run, changed=result.changed)
    return data


def display(m, args, result):
    """The notebook's view after a real apply: the one-line summary, then the context's graph."""
    if getattr(args, "var", None) or args.dry_run or args.check:
        return result
    applied_ = result.value
    graph = m.client.trace(
        applied_.context.arn, direction="down", depth=m.default_depth, max_vertices=m.max_vertices
    )
    return Result(ContextView(summary(applied_, False), graph), value=applied_)


# -- lineage apply FILE ------------------------------------------------------------------------------

HEADER = "%%lineage context"


def build_apply(p) -> None:
    p.add_argument("file", metavar="FILE", help="the cell's text: a file, or - for stdin")
    p.add_argument(
        "name",
        metavar="NAME",
        nargs="?",
        help="the context (default: from the file's first line, when it is a `%%%%lineage context NAME ...` line)",
    )
    build_options(p)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"lineage apply: cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def _header_parser(number: int) -> VerbParser:
    """The parser of a ``%%lineage context ...`` first line (a notebook cell pasted as it is)."""
    parser = VerbParser(prog=f"lineage apply: line {number}: {HEADER}")
    build(parser)
    return parser


def run_apply(m, args, cell):
    text = _read(args.file)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if strip_comment(line).strip()), None)
    body, first_line = text, 1
    if first is not None and lines[first].lstrip().startswith(HEADER):
        header = _header_parser(first + 1).parse(split_args(lines[first].lstrip()[len(HEADER) :]))
        if args.name and args.name != header.name:
            raise UsageError(
                f"lineage apply: NAME {args.name!r} but the file's first line says {header.name!r}"
            )
        for option in ("name", "type", "source_uri", "description"):
            if getattr(args, option) is None:
                setattr(args, option, getattr(header, option))
        args.prune, args.dry_run = args.prune or header.prune, args.dry_run or header.dry_run
        args.check = args.check or header.check
        body, first_line = "\n".join(lines[first + 1 :]), first + 2
    if not args.name:
        raise UsageError(f"lineage apply: give the context NAME (or begin FILE with `{HEADER} NAME ...`)")
    try:
        spec = parse_cell(body, args.name, context_type=args.type, source_uri=args.source_uri,
                          description=args.description, first_line=first_line)  # fmt: skip
    except LineageSyntaxError as exc:
        if exc.line == 0:  # NAME or an option of the command line
            raise UsageError(f"lineage apply: {exc.detail}") from None
        raise
    return applied(m, spec, args)


VERBS = {
    "context": Verb(
        "context",
        "declare a workflow (context, artifacts, actions, links) in the cell; re-running changes nothing",
        build,
        run,
        (EXAMPLE,),
        cell=True,
        details=DETAILS,
        display=display,
    ),
    "apply": Verb(
        "apply",
        "apply a `%%lineage context` cell read from FILE (or - for stdin); re-running changes nothing",
        build_apply,
        run_apply,
        (),
        details=DETAILS.replace("the %%lineage line is line 1", "lines of FILE"),
        terminal_examples=(
            "lineage apply workflow.lineage mnist-workflow --type MLWorkflow",
            "lineage apply workflow.lineage --dry-run",
            "lineage apply workflow.lineage --check",
            "cat workflow.lineage | lineage apply - mnist-workflow",
        ),
    ),
}
