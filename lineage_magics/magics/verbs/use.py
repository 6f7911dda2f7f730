"""``%lineage use URL``: switch the backend."""

from __future__ import annotations

from ...connect import backend_kind, redact
from ..registry import Result, Verb
from ..results import Message


def build(p) -> None:
    p.add_argument(
        "url",
        metavar="URL",
        help="memory://, sqlite:///PATH.db, sagemaker://[REGION][?profile=P], http://HOST:PORT",
    )


def run(m, args, cell):
    m.use(args.url)
    url = m.current_url
    return Result(Message(f"using {redact(url)} ({backend_kind(url)})"))


VERBS = {
    "use": Verb(
        "use",
        "switch the backend (validates the URL)",
        build,
        run,
        (
            "%lineage use memory://",
            "%lineage use sqlite:///lineage.db",
            "%lineage use sagemaker://us-east-1?profile=ml",
        ),
    )
}
