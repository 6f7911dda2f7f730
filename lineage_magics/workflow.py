"""A declared workflow (the ``%%lineage context`` cell as data), consumed by ``ops.apply``.

An edge without a type takes :func:`lineage_magics.sagemaker.default_association_type`."""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_KINDS = ("artifact", "action", "context")


@dataclass(frozen=True)
class EntityDecl:
    """``artifact NAME TYPE URI [k=v ...]``, ``action NAME TYPE [uri=..] [status=..] [k=v ...]``,
    ``context NAME TYPE [uri=..] [k=v ...]``. ``line`` is the 1-based cell line (0 when built in Python)."""

    kind: str
    name: str
    type: str
    uri: str | None = None
    status: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class EdgeDecl:
    """``A -> B [TYPE]``: endpoints are declared names or refs to existing entities;
    ``type`` None means the default for the two kinds."""

    source: str
    destination: str
    type: str | None = None
    line: int = 0


@dataclass
class WorkflowSpec:
    """A context and everything declared in it."""

    context: str
    context_type: str = "Workflow"
    source_uri: str | None = None
    description: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    entities: list[EntityDecl] = field(default_factory=list)
    edges: list[EdgeDecl] = field(default_factory=list)
