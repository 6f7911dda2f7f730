"""``%lineage status``: the backend (without credentials) and usage against SageMaker's manual-entity limits."""

from __future__ import annotations

from ...connect import backend_kind, profile_of, redact
from ..parsing import add_var_option
from ..registry import Result, Verb
from ..results import StatusReport


def build(p) -> None:
    add_var_option(p, "the StatusReport")


def _account(client) -> str:
    """The account id in the ARN of any context, action or artifact (the client has no identity call)."""
    for kind in ("contexts", "actions", "artifacts"):
        found = client.list(kind, limit=1)
        if len(found):
            return found[0].arn.split(":")[4]
    return "unknown (no entities yet)"


def run(m, args, cell):
    client = m.client
    url = m.current_url
    facts = [("backend", backend_kind(url)), ("url", redact(url))]
    region = getattr(getattr(client.sagemaker, "meta", None), "region_name", None)
    if not url.startswith(("memory:", "sqlite:")):
        facts.append(("region", region or "not set"))
        profile = profile_of(url)
        if profile or url.startswith("sagemaker:"):
            facts.append(("profile", profile or "default credential chain"))
    facts.append(("account", _account(client)))
    counts = client.counts()
    data = dict(facts)
    data["counts"] = {kind: {"used": used, "limit": limit} for kind, (used, limit) in counts.items()}
    return Result(StatusReport(facts, counts), data=data)


VERBS = {
    "status": Verb(
        "status",
        "show the backend and how many contexts, actions, artifacts, associations exist against the limits",
        build,
        run,
        ("%lineage status",),
    )
}
