"""SageMaker's input rules the forms check as you type, read from botocore's own service model."""

from __future__ import annotations

import functools
import re

ALNUM = re.compile(r"[A-Za-z0-9]")

# CreateX input member -> the shape holding its rule
_NAME_MEMBER = {
    "context": ("CreateContext", "ContextName"),
    "action": ("CreateAction", "ActionName"),
    "artifact": ("CreateArtifact", "ArtifactName"),
}


@functools.cache
def _model():
    import botocore.session

    return botocore.session.get_session().get_service_model("sagemaker")


def _member(operation: str, member: str):
    return _model().operation_model(operation).input_shape.members[member]


@functools.cache
def name_rule(kind: str) -> tuple[str, int]:
    """(pattern, max length) of the name of a context, action or artifact."""
    meta = _member(*_NAME_MEMBER[kind]).metadata
    return meta["pattern"], int(meta["max"])


@functools.cache
def property_limits(kind: str) -> tuple[int, int]:
    """(key, value) maximum lengths of a context's, action's or artifact's properties."""
    operation = _NAME_MEMBER[kind][0]
    shape = _member(operation, "Properties")
    return int(shape.key.metadata["max"]), int(shape.value.metadata["max"])


@functools.cache
def action_statuses() -> tuple[str, ...]:
    """SageMaker's ActionStatus values."""
    return tuple(_member("CreateAction", "Status").enum)


@functools.cache
def association_types() -> tuple[str, ...]:
    """SageMaker's AssociationEdgeType values."""
    return tuple(_member("AddAssociation", "AssociationType").enum)


@functools.cache
def max_length(operation: str, member: str) -> int:
    """The ``max`` of a string member (Source.SourceUri is spelled ``Source.SourceUri``)."""
    shape = _member(operation, member.split(".")[0])
    for part in member.split(".")[1:]:
        shape = shape.members[part]
    return int(shape.metadata["max"])


def _allowed_separators(pattern: str) -> str:
    """The separator characters a name pattern allows between letters and digits."""
    return "-_" if "[-_]" in pattern else "-"


def name_problem(kind: str, name: str) -> str | None:
    """Why ``name`` is not a valid SageMaker name for ``kind``, or None when it is."""
    pattern, limit = name_rule(kind)
    seps = _allowed_separators(pattern)
    quoted = [f"'{s}'" for s in seps]
    allowed = "letters, digits" + "".join(f", {q}" for q in quoted[:-1]) + f" and {quoted[-1]}"
    if not name:
        return "a name is required"
    if len(name) > limit:
        return f"{len(name)} characters: at most {limit}"
    bad = sorted({c for c in name if not (ALNUM.fullmatch(c) or c in seps)}, key=name.index)
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5])
        return f"{shown} not allowed in {kind} names (only {allowed})"
    if not ALNUM.fullmatch(name[0]):
        return "must start with a letter or digit"
    if not ALNUM.fullmatch(name[-1]):
        return "must end with a letter or digit"
    if not re.fullmatch(pattern, name):
        return f"does not match SageMaker's pattern {pattern}"
    return None
