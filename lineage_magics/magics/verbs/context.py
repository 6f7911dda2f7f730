"""``%%lineage context NAME``: declare a workflow in the cell DSL and apply it idempotently."""

from __future__ import annotations

from ..dsl import parse_cell
from ..parsing import add_var_option
from ..registry import Verb
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
    p.add_argument("--type", metavar="T", help="the context type (default Workflow)")
    p.add_argument("--source-uri", metavar="U", help="the context's source URI")
    p.add_argument("--description", metavar="D", help="the context's description")
    p.add_argument(
        "--prune",
        action="store_true",
        help="remove the context's links and edges the cell no longer declares",
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan; write nothing")
    add_var_option(p, "the ApplyResult")


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
    client = m.client
    result = client.apply(spec, prune=args.prune, dry_run=args.dry_run)
    if args.var:
        return m.deliver(args, result)
    if args.dry_run:
        return result
    graph = client.trace(spec.context, direction="down", depth=m.default_depth, max_vertices=m.max_vertices)
    return ContextView(summary(result, False), graph)


VERBS = {
    "context": Verb(
        "context",
        "declare a workflow (context, artifacts, actions, links) in the cell; re-running changes nothing",
        build,
        run,
        (EXAMPLE,),
        cell=True,
        details=DETAILS,
    )
}
