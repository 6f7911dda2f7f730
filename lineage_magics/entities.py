"""Entities and associations as small typed objects, built from SageMaker's response shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import sagemaker as sm
from .sagemaker import LINEAGE_TYPE, name_of_arn
from .text import html_table, visible


def _fmt_time(t: Any) -> str:
    if isinstance(t, datetime):
        return t.strftime("%Y-%m-%d %H:%M:%S")
    return "" if t is None else str(t)


def _arrow(association_type: str | None) -> str:
    """``-[Produced]->``, or ``-->`` for an association stored without a type."""
    return f"-[{visible(association_type)}]->" if association_type else "-->"


@dataclass
class Entity:
    """One lineage (or experiment) entity as SageMaker describes it."""

    kind: str
    arn: str
    name: str | None = None
    type: str | None = None
    source_uri: str | None = None
    status: str | None = None
    description: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    source_types: list[dict] = field(default_factory=list)
    created: datetime | None = None
    modified: datetime | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def lineage_type(self) -> str | None:
        return LINEAGE_TYPE.get(self.kind)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.source_uri:
            return self.source_uri.rstrip("/").rsplit("/", 1)[-1] or self.source_uri
        return name_of_arn(self.arn)

    def __repr__(self) -> str:
        parts = [repr(self.name) if self.name else f"arn={self.arn!r}"]
        if self.type:
            parts.append(f"type={self.type!r}")
        if self.source_uri and self.source_uri != self.name:
            parts.append(f"source_uri={self.source_uri!r}")
        if self.status:
            parts.append(f"status={self.status!r}")
        if self.properties:
            parts.append(f"properties={self.properties!r}")
        return f"<{self.kind.title().replace('-', '')} {' '.join(parts)}>"

    def _rows(self) -> list[tuple[str, Any]]:
        rows = [
            ("kind", self.kind),
            ("name", self.name),
            ("type", self.type),
            ("source URI", self.source_uri),
            ("status", self.status),
            ("description", self.description),
            ("ARN", self.arn),
            ("created", _fmt_time(self.created)),
            ("modified", _fmt_time(self.modified)),
        ]
        for st in self.source_types:
            rows.append((f"source type {st.get('SourceIdType')}", st.get("Value")))
        for k, v in sorted(self.properties.items()):
            rows.append((f"property {k}", v))
        return [(k, v) for k, v in rows if v not in (None, "")]

    def _repr_html_(self) -> str:
        return html_table([], self._rows(), css_class="lineage-entity", header_column=True)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "arn": self.arn,
            "name": self.name,
            "type": self.type,
            "source_uri": self.source_uri,
            "status": self.status,
            "description": self.description,
            "properties": dict(self.properties),
            "source_types": list(self.source_types),
            "created": self.created,
            "modified": self.modified,
        }


@dataclass
class Association:
    """One association ``source -> destination`` with its type (None when the service stored none)."""

    source_arn: str
    destination_arn: str
    type: str | None = None
    source_name: str | None = None
    destination_name: str | None = None
    source_type: str | None = None
    destination_type: str | None = None
    created: datetime | None = None

    @property
    def source_label(self) -> str:
        return self.source_name or name_of_arn(self.source_arn)

    @property
    def destination_label(self) -> str:
        return self.destination_name or name_of_arn(self.destination_arn)

    def __repr__(self) -> str:
        return f"<Association {self.source_label!r} {_arrow(self.type)} {self.destination_label!r}>"

    def _repr_html_(self) -> str:
        return AssociationList([self])._repr_html_()

    def to_dict(self) -> dict:
        return {
            "source_arn": self.source_arn,
            "destination_arn": self.destination_arn,
            "type": self.type,
            "source_name": self.source_name,
            "destination_name": self.destination_name,
            "source_type": self.source_type,
            "destination_type": self.destination_type,
            "created": self.created,
        }


_ALL = object()  # "total = everything in the list"


def _list_html(
    columns: list[str], rows: list[list[Any]], shown: int, total: int | None, what: str, breakable: list[str]
) -> str:
    if total is None:
        caption = f"showing {shown} of more than {len(rows)} {what}"
    else:
        caption = f"showing {shown} of {total} {what}"
    return html_table(columns, rows[:shown], caption=caption, css_class="lineage-list", breakable=breakable)


class EntityList(list):
    """A list of :class:`Entity` with ``to_dataframe()`` and an HTML table.

    ``total`` is how many exist for the query (None when a ``limit`` stopped the listing early).
    """

    max_html_rows = 100
    columns = ["kind", "name", "type", "source_uri", "status", "created", "arn"]

    def __init__(self, items=(), total: int | None | object = _ALL, kind: str | None = None):
        super().__init__(items)
        self.total = len(self) if total is _ALL else total
        self.kind = kind

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame([e.to_dict() for e in self], columns=list(Entity.__dataclass_fields__)[:-1])

    def __repr__(self) -> str:
        if not self:
            return f"<EntityList: no {self.kind or 'entities'}>"
        lines = [f"{e.kind:<15} {visible(e.label):<40} {visible(e.type):<20} {e.arn}" for e in self[:50]]
        more = "" if len(self) <= 50 else f"\n... {len(self) - 50} more"
        return "\n".join(lines) + more

    def _repr_html_(self) -> str:
        rows = [[e.kind, e.name, e.type, e.source_uri, e.status, _fmt_time(e.created), e.arn] for e in self]
        return _list_html(
            self.columns,
            rows,
            min(len(self), self.max_html_rows),
            self.total,
            self.kind or "entities",
            breakable=["source_uri", "arn"],
        )


class AssociationList(list):
    """A list of :class:`Association` with ``to_dataframe()`` and an HTML table."""

    max_html_rows = 100
    columns = ["source", "type", "destination", "source_type", "destination_type", "created"]

    def __init__(self, items=(), total: int | None | object = _ALL):
        super().__init__(items)
        self.total = len(self) if total is _ALL else total

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame([a.to_dict() for a in self], columns=list(Association.__dataclass_fields__))

    def __repr__(self) -> str:
        if not self:
            return "<AssociationList: no associations>"
        lines = [
            f"{visible(a.source_label)} {_arrow(a.type)} {visible(a.destination_label)}" for a in self[:50]
        ]
        more = "" if len(self) <= 50 else f"\n... {len(self) - 50} more"
        return "\n".join(lines) + more

    def _repr_html_(self) -> str:
        rows = [
            [
                a.source_label,
                a.type,
                a.destination_label,
                a.source_type,
                a.destination_type,
                _fmt_time(a.created),
            ]
            for a in self
        ]
        return _list_html(
            self.columns,
            rows,
            min(len(self), self.max_html_rows),
            self.total,
            "associations",
            breakable=["source", "destination"],
        )


# -- building from responses -------------------------------------------------------


def entity_from_describe(kind: str, r: dict) -> Entity:
    """An :class:`Entity` from a Describe* response (or a List* summary, with fewer fields).

    Lineage entities (context, action, artifact) carry a ``Source`` URI, a type member and
    ``Properties``; experiment entities a ``Source``/``<Noun>Source`` of type and ARN, and their
    display name (trial components: their parameters) as properties."""
    k = sm.kind(kind)
    raw = {key: v for key, v in r.items() if key != "ResponseMetadata"}
    status = r.get("Status")
    if isinstance(status, dict):  # a trial component's {"PrimaryStatus": ...}
        status = status.get("PrimaryStatus")
    if k.type_member:  # context, action, artifact
        src = r.get("Source") or {}
        type_, uri = r.get(k.type_member), src.get("SourceUri")
        source_types = list(src.get("SourceTypes") or [])
        props = dict(r.get("Properties") or {})
    else:  # experiment, trial, trial component
        src = r.get("Source") or r.get(f"{k.noun}Source") or {}
        type_, uri, source_types = src.get("SourceType"), src.get("SourceArn"), []
        props = (
            {"DisplayName": r["DisplayName"]} if r.get("DisplayName") and k.name != "trial-component" else {}
        )
        if r.get("ExperimentName") and k.name == "trial":
            props["ExperimentName"] = r["ExperimentName"]
        for key, v in (r.get("Parameters") or {}).items():
            props[key] = str(v.get("StringValue", v.get("NumberValue", "")))
    return Entity(
        kind,
        r[k.arn_member],
        r.get(k.name_member),
        type_,
        uri,
        status,
        r.get("Description"),
        props,
        source_types,
        r.get("CreationTime"),
        r.get("LastModifiedTime"),
        raw,
    )


def association_from_summary(s: dict) -> Association:
    return Association(
        s["SourceArn"],
        s["DestinationArn"],
        s.get("AssociationType"),
        s.get("SourceName"),
        s.get("DestinationName"),
        s.get("SourceType"),
        s.get("DestinationType"),
        s.get("CreationTime"),
    )
