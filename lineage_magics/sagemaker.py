"""SageMaker's entity kinds in one table; operations, members, sort keys, enums and patterns are read
from the installed botocore's service model (loaded on first use, never copied by hand).

A :class:`Kind` answers what the rest of the package used to spell out per kind: which operation
creates, describes, lists, updates or deletes it, which request member names one entity, what its ARN
resource is, its QueryLineage lineage type, how it may be sorted, and how an update treats its
properties. See docs/architecture.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any


@cache
def botocore_session():
    """A botocore session that ignores AWS_PROFILE (the model and the local service need no profile)."""
    import botocore.session

    return botocore.session.Session(session_vars={"profile": (None, None, None, None)})


@cache
def service_model():
    """botocore's SageMaker service model (loaded once a process)."""
    return botocore_session().get_service_model("sagemaker")


@cache
def metrics_model():
    """botocore's SageMaker Metrics (``sagemaker-metrics``) service model (loaded once a process)."""
    return botocore_session().get_service_model("sagemaker-metrics")


def _input(operation: str):
    return service_model().operation_model(operation).input_shape


def _enum(shape: str) -> tuple[str, ...]:
    return tuple(service_model().shape_for(shape).enum)


@dataclass(frozen=True)
class Kind:
    """One kind of entity. ``name`` is the user's word (``trial-component``), ``noun`` SageMaker's
    (``TrialComponent``: CreateTrialComponent, TrialComponentArn, TrialComponentSummaries)."""

    name: str
    noun: str
    arn_resource: str
    lineage_type: str | None  # QueryLineage's LineageType; None: not a lineage vertex
    properties: str | None  # the request member holding key/value properties
    server_merges: bool = False  # Update merges properties by key instead of replacing them all

    @property
    def plural(self) -> str:
        return self.name + "s"

    @cached_property
    def _snake(self) -> str:
        from botocore import xform_name

        return xform_name(self.noun)

    def op(self, verb: str) -> str:
        """The boto3 method: ``op("describe")`` -> ``describe_trial_component``; ``op("list")`` -> ``list_...s``."""
        return f"{verb}_{self._snake}s" if verb == "list" else f"{verb}_{self._snake}"

    @cached_property
    def ident(self) -> str:
        """The request member naming one entity (``ContextName``, ``ArtifactArn``, ...)."""
        return _input(f"Describe{self.noun}").required_members[0]

    @property
    def by_arn(self) -> bool:
        """Whether ``ident`` takes the ARN only (artifacts); otherwise a name (or, often, an ARN)."""
        return self.ident.endswith("Arn")

    @cached_property
    def ident_takes_arn(self) -> bool:
        """Whether ``ident`` accepts an ARN (``ContextNameOrArn``); experiments and trials take names only."""
        return self.by_arn or _input(f"Describe{self.noun}").members[self.ident].name.endswith("OrArn")

    @property
    def arn_member(self) -> str:
        return f"{self.noun}Arn"

    @property
    def name_member(self) -> str:
        return f"{self.noun}Name"

    @cached_property
    def type_member(self) -> str | None:
        """The type member of Create/Describe/List (``ContextType``), or None (experiment entities)."""
        member = f"{self.noun}Type"
        return member if member in _input(f"List{self.noun}s").members else None

    @cached_property
    def summaries(self) -> str:
        output = service_model().operation_model(f"List{self.noun}s").output_shape
        return next(k for k, s in output.members.items() if s.type_name == "list")

    @cached_property
    def sort_keys(self) -> tuple[str, ...]:
        return tuple(_input(f"List{self.noun}s").members["SortBy"].enum)

    @cached_property
    def name_pattern(self) -> re.Pattern | None:
        """The pattern a name must match (from CreateX's name member), or None (artifact names are free)."""
        shape = _input(f"Create{self.noun}").members.get(self.name_member)
        pattern = shape.metadata.get("pattern") if shape is not None else None
        return re.compile(pattern) if pattern and self.name != "artifact" else None

    @cached_property
    def update_members(self) -> frozenset[str]:
        return frozenset(_input(f"Update{self.noun}").members)

    def name_fits(self, name: str) -> bool:
        return self.name_pattern is None or bool(self.name_pattern.fullmatch(name))


KIND_TABLE: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("context", "Context", "context", "Context", "Properties"),
        Kind("action", "Action", "action", "Action", "Properties"),
        Kind("artifact", "Artifact", "artifact", "Artifact", "Properties"),
        Kind("experiment", "Experiment", "experiment", None, None),
        Kind("trial", "Trial", "experiment-trial", None, None),
        Kind("trial-component", "TrialComponent", "experiment-trial-component", "TrialComponent",
             "Parameters", server_merges=True),
    )
}  # fmt: skip
KINDS = tuple(KIND_TABLE)
LINEAGE_KINDS = tuple(k for k in KINDS if KIND_TABLE[k].lineage_type)
LINEAGE_TYPE = {k.name: k.lineage_type for k in KIND_TABLE.values()}
KIND_OF_LINEAGE_TYPE = {k.lineage_type: k.name for k in KIND_TABLE.values() if k.lineage_type}
LINEAGE_TYPES = tuple(KIND_OF_LINEAGE_TYPE)
_BY_RESOURCE = {k.arn_resource: k.name for k in KIND_TABLE.values()}


class _Associations:
    """ListAssociations, which lists like a kind but is not an entity."""

    name = plural = "association"
    summaries = "AssociationSummaries"

    def op(self, verb: str) -> str:
        return "list_associations"

    @cached_property
    def sort_keys(self) -> tuple[str, ...]:
        return tuple(_input("ListAssociations").members["SortBy"].enum)


ASSOCIATION = _Associations()

_ALIASES = {"trialcomponent": "trial-component", "trial_component": "trial-component"}


def kind(name: str) -> Kind:
    """The Kind for ``context``, ``Contexts``, ``trial_components`` ... (ValueError for anything else)."""
    found = normalize_kind(name)
    if found == "association":
        raise ValueError("an association is not an entity kind")
    return KIND_TABLE[found]


def normalize_kind(name: str) -> str:
    """``"contexts"``, ``"Context"``, ``"trial_components"`` ... -> the singular kind (or ``association``)."""
    k = str(name).strip().lower().replace(" ", "-")
    k = _ALIASES.get(k, k)
    if k not in KIND_TABLE and k != "association" and k.endswith("s"):
        k = _ALIASES.get(k[:-1], k[:-1])
    if k in KIND_TABLE or k == "association":
        return k
    raise ValueError(f"unknown kind {name!r}: expected one of {', '.join(KINDS)} or association")


def listing(name: str) -> Kind | _Associations:
    """What ``list`` lists for a kind name: a Kind, or the associations."""
    return ASSOCIATION if normalize_kind(name) == "association" else kind(name)


# -- ARNs --------------------------------------------------------------------------------------------


def is_arn(ref: Any) -> bool:
    return isinstance(ref, str) and ref.startswith("arn:")


def kind_of_arn(arn: str) -> str | None:
    """The entity kind of a SageMaker ARN (``...:experiment-trial/x`` -> ``trial``), or None."""
    resource = arn.split(":", 5)[-1]
    return _BY_RESOURCE.get(resource.split("/", 1)[0])


def name_of_arn(arn: str) -> str:
    """The resource name in an ARN (for artifacts, the hash)."""
    return arn.split(":", 5)[-1].split("/", 1)[-1]


def lineage_type_of(arn: str) -> str | None:
    """The LineageType of an entity ARN (``...:artifact/...`` -> ``Artifact``), or None. Experiments
    answer ``Experiment``: QueryLineage never returns one, but associations can reach them."""
    found = kind_of_arn(arn)
    return "Experiment" if found == "experiment" else LINEAGE_TYPE.get(found) if found else None


# -- enums and rules ---------------------------------------------------------------------------------


def association_types() -> tuple[str, ...]:
    return _enum("AssociationEdgeType")


def action_statuses() -> tuple[str, ...]:
    return _enum("ActionStatus")


def trial_component_statuses() -> tuple[str, ...]:
    return _enum("TrialComponentPrimaryStatus")


def source_id_types() -> tuple[str, ...]:
    return _enum("ArtifactSourceIdType")


def search_operators() -> tuple[str, ...]:
    """The operators of a Search Filter (Equals, GreaterThan, ..., In)."""
    return _enum("Operator")


def max_properties() -> int:
    """How many properties an entity may have."""
    return limits().properties


@dataclass(frozen=True)
class Limits:
    """Length limits of what a user declares, from the Create* requests of the model."""

    name: int
    type: int
    uri: int
    description: int
    property_key: int
    property_value: dict[str, int]  # by kind
    properties: int


def _max(operation: str, *path: str) -> int:
    shape = _input(operation)
    for member in path:
        shape = shape.members[member] if hasattr(shape, "members") else getattr(shape, member)
    return int(shape.metadata["max"])


@cache
def limits() -> Limits:
    return Limits(
        name=_max("CreateAction", "ActionName"),
        type=_max("CreateAction", "ActionType"),
        uri=_max("CreateAction", "Source", "SourceUri"),
        description=_max("CreateAction", "Description"),
        property_key=_max("CreateAction", "Properties", "key"),
        property_value={
            "artifact": _max("CreateArtifact", "Properties", "value"),
            "action": _max("CreateAction", "Properties", "value"),
            "context": _max("CreateContext", "Properties", "value"),
        },
        properties=_max("CreateAction", "Properties"),
    )


def default_association_type(source_kind: str, destination_kind: str) -> str:
    """The association type SageMaker itself uses between two kinds of entity.

    artifact -> action: ContributedTo; action -> artifact: Produced;
    artifact -> artifact: DerivedFrom; anything else: AssociatedWith.
    """
    return {
        ("artifact", "action"): "ContributedTo",
        ("action", "artifact"): "Produced",
        ("artifact", "artifact"): "DerivedFrom",
    }.get((source_kind, destination_kind), "AssociatedWith")
