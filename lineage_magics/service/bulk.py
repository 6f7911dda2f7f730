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
from .store import MIGRATIONS

if TYPE_CHECKING:  # pragma: no cover
    from .core import Service

_INSERT = (
    "INSERT OR IGNORE INTO entity (kind, arn, akey, nkey, name, type, atype, source_uri, status, created, "
    "modified, manual, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# Non-unique indexes: a large import drops them and builds each again with one sort (SQLite cannot
# skip maintaining an index row by row; about 1.5 s of CPU saved per 500k rows). The unique ones
# stay: they decide INSERT OR IGNORE.
_DEFERRED = ("entity_created", "entity_name", "entity_source", "edge_dst", "edge_created")
_CREATE = {
    name: statement.strip()
    for statement in MIGRATIONS[1].split(";")
    for name in _DEFERRED
    if statement.strip().startswith(f"CREATE INDEX {name} ")
}
LARGE_IMPORT = 50_000  # rows in one call (and at least the store's entities) from which they are rebuilt
_json = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode  # one encoder, compact

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
        resource = f"{prefix}{RESOURCE[kind]}/"
        for row in rows:
            name = row.get(name_member)
            nkey = source_hash(row["Source"]) if kind == ARTIFACT else name
            arn = resource + nkey  # its own lookup key: only experiment entities' keys are lower-cased
            created = _epoch(row.get("CreationTime"), now)
            doc = _json({m: row[m] for m in members if row.get(m) is not None})
            yield (kind, arn, arn, nkey, name, row[type_member], row[type_member],
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
    contexts, actions, artifacts = list(contexts), list(actions), list(artifacts)
    trial_components, associations = list(trial_components), list(associations)
    rows = len(contexts) + len(actions) + len(artifacts) + len(trial_components) + len(associations)
    with service.store.write() as conn:
        held = conn.execute("SELECT coalesce(max(id), 0) FROM entity").fetchone()[0]
        rebuild = rows >= max(LARGE_IMPORT, held) and [  # re-sorting a much larger store costs more
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            if name in _CREATE
        ]
        for name in rebuild or ():
            conn.execute(f"DROP INDEX {name}")  # constant names; rebuilt below, in this transaction
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
        if trial_components:
            before = conn.total_changes
            conn.executemany(_INSERT, component_rows(trial_components))
            counts["trial_components"] = conn.total_changes - before
        if associations:
            ids = dict(conn.execute("SELECT akey, id FROM entity"))

            def end(arn: str) -> int:
                found = ids.get(arn)
                if found is None:
                    found = ids.get(arn_key(arn))  # an experiment entity's ARN in another case
                    if found is None:
                        raise ValueError(f"bulk_import: association end {arn_key(arn)} does not exist")
                return found

            def edge_rows():
                for row in associations:
                    created = row.get("CreationTime")
                    yield (end(row["SourceArn"]), end(row["DestinationArn"]), row.get("AssociationType"),
                           now if created is None else _epoch(created, now), flag)  # fmt: skip

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
        for name in rebuild or ():
            conn.execute(_CREATE[name])
    return counts
