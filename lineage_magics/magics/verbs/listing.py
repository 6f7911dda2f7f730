"""``%lineage list KIND``: contexts, actions, artifacts, associations, experiments, trials, trial components."""

from __future__ import annotations

import argparse

from IPython.core.error import UsageError

from ... import sagemaker as sm
from ...entities import AssociationList
from ...text import did_you_mean
from ..parsing import add_var_option, association_type, positive_int
from ..registry import Result, Verb
from ..results import KindCounts

KINDS = (*(f"{k}s" for k in sm.KINDS[:3]), "associations", *(f"{k}s" for k in sm.KINDS[3:]))
_SINGULAR = {k[:-1]: k for k in KINDS}


def kind_of(text: str) -> str:
    """The plural kind for ``text`` (singular accepted); UsageError with a "did you mean" otherwise."""
    kind = text.lower()
    kind = _SINGULAR.get(kind, kind)
    if kind not in KINDS:
        raise UsageError(
            f"%lineage list: unknown kind {text!r}{did_you_mean(text, KINDS)}; use one of {', '.join(KINDS)}"
        )
    return kind


def _order(text: str) -> str:
    for value in ("Ascending", "Descending"):
        if value.lower().startswith(text.lower()[:3]):
            return value
    raise UsageError(f"%lineage list: --order takes asc or desc, not {text!r}")


def build(p) -> None:
    p.add_argument("kind", metavar="KIND", nargs="?", help=" | ".join(KINDS) + " (none: how many of each)")
    p.add_argument("--type", metavar="T", help="entity type (for associations: the association type)")
    p.add_argument(
        "--limit", type=positive_int, metavar="N", help="at most N rows (default: %%config displaylimit)"
    )
    p.add_argument("--source-uri", metavar="U", help="only entities with this source URI")
    p.add_argument("--sort-by", choices=("CreationTime", "Name"), help="sort key (default CreationTime)")
    p.add_argument("--order", metavar="asc|desc", help="sort order (default desc)")
    p.add_argument("--experiment", metavar="E", help="trials of experiment E, or trial components of it")
    p.add_argument("--trial", metavar="T", help="trial components of trial T")
    p.add_argument("--source", metavar="REF", help="associations from REF")
    p.add_argument("--destination", metavar="REF", help="associations to REF")
    add_var_option(p, "the list")


COUNTED = 100  # one page of each kind: enough to say "100+" without listing a whole account


def kind_counts(client) -> KindCounts:
    """How many entities of each kind there are (at most ``COUNTED`` looked at per kind)."""
    rows = []
    for kind in KINDS:
        found = client.list(kind, limit=COUNTED)
        rows.append((kind, f"{len(found)}+" if found.total is None else str(len(found))))
    return KindCounts(rows)


def _listed(found) -> Result:
    """A listing as a Result: a row of every field (associations also with their ends' labels);
    the text table has the notebook table's columns."""
    if isinstance(found, AssociationList):
        rows = [{"source": a.source_label, "destination": a.destination_label, **a.to_dict()} for a in found]
    else:
        rows = [e.to_dict() for e in found]
    what = getattr(found, "kind", None) or "associations"
    note = f"the first {len(found)} {what}; --limit N lists more" if found.total is None else None
    return Result(found, rows=rows, columns=list(found.columns), note=note)


def run(m, args, cell):
    if args.kind is None:
        counts = kind_counts(m.client)
        return Result(
            counts, rows=[{"kind": k, "count": n} for k, n in counts.rows], columns=["kind", "count"]
        )
    kind = kind_of(args.kind)
    limit = args.limit if args.limit is not None else (m.displaylimit or None)
    if kind == "associations":
        for option in ("source_uri", "sort_by", "order", "experiment", "trial"):
            if getattr(args, option) is not None:
                raise UsageError(f"%lineage list associations: --{option.replace('_', '-')} does not apply")
        filters = {"limit": limit}
        if args.type:
            try:
                filters["type"] = association_type(args.type)
            except argparse.ArgumentTypeError as exc:
                raise UsageError(f"%lineage list associations: --type: {exc}") from None
        if args.source:
            filters["source"] = args.source
        if args.destination:
            filters["destination"] = args.destination
        return _listed(m.client.list(kind, **filters))
    if args.source or args.destination:
        raise UsageError("%lineage list: --source and --destination apply to associations")
    filters = {"limit": limit}
    for option in ("type", "source_uri", "sort_by", "experiment", "trial"):
        value = getattr(args, option)
        if value is not None:
            filters[option] = value
    if args.order is not None:
        filters["sort_order"] = _order(args.order)
    return _listed(m.client.list(kind, **filters))


VERBS = {
    "list": Verb(
        "list",
        "list contexts, actions, artifacts, associations, experiments, trials or trial components",
        build,
        run,
        (
            "%lineage list contexts",
            "%lineage list",
            "%lineage list artifacts --type Model --limit 10 -o models",
            "%lineage list associations --destination model-build-step",
        ),
        output="table",
        terminal_examples=("lineage list artifacts --type Model --format csv --out models.csv",),
    )
}
