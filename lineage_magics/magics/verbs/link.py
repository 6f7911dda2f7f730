"""``%lineage link SRC DST [TYPE]`` and ``%lineage unlink SRC DST``: add or remove one association."""

from __future__ import annotations

from ..parsing import add_var_option, association_type
from ..registry import Result, Verb
from ..results import Message


def _label(name, ref) -> str:
    return name or str(ref)


def build_link(p) -> None:
    p.add_argument("source", metavar="SRC", help="ref of the source entity")
    p.add_argument("destination", metavar="DST", help="ref of the destination entity")
    p.add_argument(
        "type",
        metavar="TYPE",
        nargs="?",
        type=association_type,
        help="ContributedTo, AssociatedWith, DerivedFrom, Produced or SameAs (any case; "
        "default: SageMaker's choice for the two kinds)",
    )
    add_var_option(p, "the Association")


def run_link(m, args, cell):
    assoc = m.client.associate(args.source, args.destination, args.type)
    text = (
        f"linked {_label(assoc.source_name, args.source)} -> "
        f"{_label(assoc.destination_name, args.destination)} ({assoc.type or 'no type'})"
    )
    return Result(Message(text), value=assoc, data=assoc.to_dict())


def build_unlink(p) -> None:
    p.add_argument("source", metavar="SRC", help="ref of the source entity")
    p.add_argument("destination", metavar="DST", help="ref of the destination entity")


def run_unlink(m, args, cell):
    m.client.disassociate(args.source, args.destination)
    data = {"unlinked": {"source": args.source, "destination": args.destination}}
    return Result(Message(f"unlinked {args.source} -> {args.destination}"), data=data)


VERBS = {
    "link": Verb(
        "link",
        "associate two entities (SRC -> DST)",
        build_link,
        run_link,
        (
            "%lineage link mnist-test-images model-build-step",
            "%lineage link model-build-step mnist-model Produced",
        ),
    ),
    "unlink": Verb(
        "unlink",
        "remove the association SRC -> DST",
        build_unlink,
        run_unlink,
        ("%lineage unlink mnist-test-images model-build-step",),
    ),
}
