"""bulk_import: hundreds of thousands of rows in one transaction with ``executemany``."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .artifacts import source_hash
from .common import ACTION, ARTIFACT, COMPONENT, CONTEXT, RESOURCE, arn_key, compact, name_key
from .experiments import component_type

if TYPE_CHECKING:  # pragma: no cover
    from .core import Service

_INSERT = (
    "INSERT OR IGNORE INTO entity (kind, arn, akey, nkey, name, type, atype, source_uri, status, created, "
    "modified, manual, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_COMPONENT_MEMBERS = ("DisplayName", "Status", "StartTime", "EndTime", "Parameters", "InputArtifacts",
                      "OutputArtifacts", "MetadataProperties", "Source")  # fmt: skip


def _epoch(value, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return float(value)


def bulk_import(
    service: Service,
    *,
    contexts: Iterable[dict] = (),
    actions: Iterable[dict] = (),
    artifacts: Iterable[dict] = (),
    trial_components: Iterable[dict] = (),
    associations: Iterable[dict] = (),
    manual: bool = False,
) -> dict[str, int]:
    """Insert rows shaped like the Create*/AddAssociation requests; existing ones are skipped.

    - contexts: ``{"ContextName", "ContextType", "Source": {"SourceUri", ...}, "Description"?, "Properties"?}``
    - actions: ``{"ActionName", "ActionType", "Source", "Status"?, "Description"?, "Properties"?}``
    - artifacts: ``{"ArtifactType", "Source": {"SourceUri", "SourceTypes"?}, "ArtifactName"?, "Properties"?}``
    - trial_components: CreateTrialComponent requests ``{"TrialComponentName", "DisplayName"?, "Status"?,
      "StartTime"?, "EndTime"?, "Parameters"?, "InputArtifacts"?, "OutputArtifacts"?, "MetadataProperties"?}``,
      plus ``"Source": {"SourceArn", "SourceType"}`` as SageMaker's job components have; the vertex
      Type follows the name (``<job>-aws-training-job`` -> ``TrainingJob``...)
    - associations: ``{"SourceArn", "DestinationArn", "AssociationType"?}`` (ends may be rows of this call)

    Every row may carry ``CreationTime`` (epoch seconds or datetime). Rows are trusted: they are not
    checked against the model's constraints. By default they count as entities SageMaker created
    (outside the manual-entity limits); ``manual=True`` counts them. Returns the rows inserted per kind
    (``trial_components`` only when such rows were given).
    """
    now = time.time()
    prefix = f"arn:aws:sagemaker:{service.region}:{service.account}:"
    flag = 1 if manual else 0

    def entity_rows(kind: int, rows: Iterable[dict]):
        name_member = {CONTEXT: "ContextName", ACTION: "ActionName", ARTIFACT: "ArtifactName"}[kind]
        type_member = {CONTEXT: "ContextType", ACTION: "ActionType", ARTIFACT: "ArtifactType"}[kind]
        members = ("Source", "Description", "Properties", "MetadataProperties")
        for row in rows:
            name = row.get(name_member)
            nkey = source_hash(row["Source"]) if kind == ARTIFACT else name
            arn = f"{prefix}{RESOURCE[kind]}/{nkey}"
            created = _epoch(row.get("CreationTime"), now)
            doc = json.dumps(compact({m: row.get(m) for m in members}))
            yield (kind, arn, arn_key(arn), nkey, name, row[type_member], row[type_member],
                   row["Source"]["SourceUri"], row.get("Status"), created, created, flag, doc)  # fmt: skip

    def component_rows(rows: Iterable[dict]):
        for row in rows:
            name = row["TrialComponentName"]
            arn = f"{prefix}{RESOURCE[COMPONENT]}/{name}"
            created = _epoch(row.get("CreationTime"), now)
            doc = compact({m: row.get(m) for m in _COMPONENT_MEMBERS})
            for member in ("StartTime", "EndTime"):
                if member in doc:
                    doc[member] = _epoch(doc[member], now)
            vertex_type = component_type(name)
            yield (COMPONENT, arn, arn_key(arn), name_key(COMPONENT, name), name, vertex_type,
                   "SageMaker" + vertex_type, (row.get("Source") or {}).get("SourceArn"),
                   (row.get("Status") or {}).get("PrimaryStatus"), created, created, flag,
                   json.dumps(doc))  # fmt: skip

    counts = {}
    with service.store.write() as conn:
        for key, kind, rows in (("contexts", CONTEXT, contexts), ("actions", ACTION, actions),
                                ("artifacts", ARTIFACT, artifacts)):  # fmt: skip
            before = conn.total_changes
            conn.executemany(_INSERT, entity_rows(kind, rows))
            counts[key] = conn.total_changes - before
            if manual and counts[key]:
                conn.execute(
                    "INSERT INTO usage (kind, n) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET n = n + excluded.n",
                    (key, counts[key]),
                )
        trial_components = list(trial_components)
        if trial_components:
            before = conn.total_changes
            conn.executemany(_INSERT, component_rows(trial_components))
            counts["trial_components"] = conn.total_changes - before
        associations = list(associations)
        if associations:
            ids = dict(conn.execute("SELECT akey, id FROM entity"))

            def edge_rows():
                for row in associations:
                    try:
                        src = ids[arn_key(row["SourceArn"])]
                        dst = ids[arn_key(row["DestinationArn"])]
                    except KeyError as exc:
                        raise ValueError(
                            f"bulk_import: association end {exc.args[0]} does not exist"
                        ) from exc
                    yield src, dst, row.get("AssociationType"), _epoch(row.get("CreationTime"), now), flag

            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO edge (src, dst, type, created, manual) VALUES (?, ?, ?, ?, ?)",
                edge_rows(),
            )
            counts["associations"] = conn.total_changes - before
            if manual and counts["associations"]:
                conn.execute(
                    "INSERT INTO usage (kind, n) VALUES ('associations', ?) "
                    "ON CONFLICT(kind) DO UPDATE SET n = n + excluded.n",
                    (counts["associations"],),
                )
        else:
            counts["associations"] = 0
    return counts
