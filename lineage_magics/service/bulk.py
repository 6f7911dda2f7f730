"""bulk_import: hundreds of thousands of rows in one transaction with ``executemany``.

Entities get their ids here (duplicates, within the call or already stored, are skipped in Python),
so association ends resolve from a dict, not from the table. A large import (at least ``LARGE_IMPORT``
rows and at least as many as the store holds) drops the indexes it would otherwise update row by row
and builds each again with one sort before ``COMMIT``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .artifacts import source_hash
from .common import (
    ACTION,
    ARTIFACT,
    COMPONENT,
    CONTEXT,
    LIMIT_KEYS,
    RESOURCE,
    compact,
    identity_of_arn,
    name_key,
    now_ms,
    same_arn,
)
from .experiments import component_type
from .store import EDGE_INDEXES, ENTITY_INDEXES

if TYPE_CHECKING:  # pragma: no cover
    from sqlite3 import Connection

    from .core import Service

_INSERT_ENTITY = (
    "INSERT INTO entity (id, kind, arn, nkey, name, type, atype, source_uri, status, created, modified, "
    "manual, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_EDGE = "INSERT OR IGNORE INTO edge (src, dst, type, created, manual) VALUES (?, ?, ?, ?, ?)"
# Dropped and rebuilt by a large import: every entity index but the partial one, and the edge
# table's secondary indexes (its primary key decides INSERT OR IGNORE and stays).
_DEFERRED = {
    **{k: v for k, v in ENTITY_INDEXES.items() if k != "entity_parent"},
    **EDGE_INDEXES,
}
LARGE_IMPORT = 50_000  # rows in one call (and at least the store's entities) from which they are rebuilt
_CHUNK = 500  # ids in one `IN (...)` look-up


def _compact_encoder():
    """A compact JSON encoder made once (``JSONEncoder.encode`` builds a new C encoder per call)."""
    make = json.encoder.c_make_encoder
    if make is None:  # pragma: no cover (CPython always has the C accelerator)
        return json.JSONEncoder(separators=(",", ":"), check_circular=False).encode

    def refuse(value):
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    encode = make(None, refuse, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


_json = _compact_encoder()

_NAME = {CONTEXT: "ContextName", ACTION: "ActionName", ARTIFACT: "ArtifactName"}
_TYPE = {CONTEXT: "ContextType", ACTION: "ActionType", ARTIFACT: "ArtifactType"}
_LINEAGE_MEMBERS = frozenset(("Source", "Description", "Properties", "MetadataProperties"))
_COMPONENT_MEMBERS = ("DisplayName", "Status", "StartTime", "EndTime", "Parameters", "InputArtifacts",
                      "OutputArtifacts", "MetadataProperties", "Source")  # fmt: skip


def _epoch(value, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return float(value)


class _Ids:
    """Entity ids by identity ``(kind, nkey)`` and by ARN, for the rows of one import."""

    def __init__(self, conn: Connection, preload: bool):
        self.conn = conn
        self.by_arn: dict[str, int] = {}
        self.by_identity: dict[tuple[int, str], tuple[int, str]] = {}
        self.preloaded = preload  # every stored entity is in by_identity (no index needed to look up)
        if preload:
            for id_, kind, nkey, arn in conn.execute("SELECT id, kind, nkey, arn FROM entity"):
                self.by_identity[(kind, nkey)] = (id_, arn)
        self.next_id = conn.execute("SELECT coalesce(max(id), 0) FROM entity").fetchone()[0] + 1

    def stored(self, kind: int, keys: list[str]) -> dict[str, tuple[int, str]]:
        """The stored entities of ``kind`` among ``keys``: ``nkey -> (id, arn)``."""
        if self.preloaded:
            found = self.by_identity
            return {key: found[(kind, key)] for key in keys if (kind, key) in found}
        out: dict[str, tuple[int, str]] = {}
        unique = list(dict.fromkeys(keys))
        for lo in range(0, len(unique), _CHUNK):
            chunk = unique[lo : lo + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT nkey, id, arn FROM entity WHERE kind = ? AND nkey IN ({marks})"  # noqa: S608 (marks)
            for nkey, id_, arn in self.conn.execute(sql, (kind, *chunk)):
                out[nkey] = (id_, arn)
                self.by_identity[(kind, nkey)] = (id_, arn)
        return out

    def end(self, arn: str) -> int:
        """The id of an association end (a row of this import or a stored entity)."""
        found = self.by_arn.get(arn)
        if found is not None:
            return found
        identity = identity_of_arn(arn)
        entry = self.by_identity.get(identity) if identity else None
        if entry is None and identity and not self.preloaded:
            self.stored(identity[0], [identity[1]])
            entry = self.by_identity.get(identity)
        if entry is None or not same_arn(identity[0], entry[1], arn):
            raise ValueError(f"bulk_import: association end {arn} does not exist")
        self.by_arn[arn] = entry[0]
        return entry[0]


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
    (outside the manual-entity limits); ``manual=True`` counts them. Within a call the first of
    duplicate rows wins; a row whose entity or association is already stored is skipped. Returns the
    rows inserted per kind (``trial_components`` only when such rows were given).

    Any iterables will do. ``associations`` is read only after the entities are written, while
    SQLite sorts their indexes, so a generator costs no extra time and may name entities whose rows
    the other arguments' generators produced.
    """
    now = now_ms()
    flag = 1 if manual else 0
    batches = [(CONTEXT, list(contexts)), (ACTION, list(actions)), (ARTIFACT, list(artifacts))]
    trial_components = list(trial_components)
    total = sum(len(rows) for _, rows in batches) + len(trial_components)
    total += len(associations) if hasattr(associations, "__len__") else 0  # a generator is read later
    counts: dict[str, int] = {}
    with service.store.write() as conn:
        held = conn.execute("SELECT count(*) FROM entity").fetchone()[0]
        large = total >= max(LARGE_IMPORT, held)  # re-sorting a much larger store costs more
        ids = _Ids(conn, preload=large)
        rebuild = []
        if large:
            present = {
                name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            }
            rebuild = [name for name in _DEFERRED if name in present]
            for name in rebuild:
                conn.execute(f"DROP INDEX {name}")  # constant names; rebuilt below, in this transaction
        prefix = service.arn_prefix
        for kind, rows in batches:
            key = LIMIT_KEYS[kind]
            counts[key] = _insert_lineage(conn, ids, kind, rows, prefix, now, flag)
            if manual and counts[key]:
                _bump(conn, key, counts[key])
        if trial_components:
            counts["trial_components"] = _insert_components(conn, ids, trial_components, prefix, now, flag)
        # The entity indexes sort in SQLite (the GIL released) while Python resolves the edges.
        indexing = _Background(conn, [_DEFERRED[name] for name in rebuild if name in ENTITY_INDEXES])
        try:
            edges = _edge_rows(ids, associations, now, flag)
        finally:
            indexing.join()
        before = conn.total_changes
        conn.executemany(_INSERT_EDGE, edges)
        counts["associations"] = conn.total_changes - before
        if manual and counts["associations"]:
            _bump(conn, "associations", counts["associations"])
        for name in rebuild:
            if name in EDGE_INDEXES:
                conn.execute(_DEFERRED[name])
    return counts


def _edge_rows(ids: _Ids, associations: Iterable[dict], now: float, flag: int) -> list[tuple]:
    """``(src, dst, type, created, manual)`` per association (the ends' ids from this import first)."""
    known, end = ids.by_arn.get, ids.end
    rows = []
    for row in associations:
        src, dst = row["SourceArn"], row["DestinationArn"]
        created = row.get("CreationTime")
        rows.append((known(src) or end(src), known(dst) or end(dst), row.get("AssociationType"),
                     now if created is None else _epoch(created, now), flag))  # fmt: skip
    return rows


class _Background(threading.Thread):
    """Runs SQL statements on the connection while the caller does Python work that does not use it;
    ``join()`` re-raises what they raised."""

    def __init__(self, conn: Connection, statements: list[str]):
        super().__init__(name="lineage-bulk-index", daemon=True)
        self.conn, self.statements, self.error = conn, statements, None
        if statements:
            self.start()

    def run(self) -> None:
        try:
            for statement in self.statements:
                self.conn.execute(statement)
        except BaseException as exc:  # noqa: BLE001 (handed to join)
            self.error = exc

    def join(self, timeout: float | None = None) -> None:
        if self.statements:
            super().join(timeout)
        if self.error is not None:
            raise self.error


def _insert(conn: Connection, ids: _Ids, kind: int, rows: list[dict], keys: list[str], build) -> int:
    """Insert the rows not stored yet (the first of duplicates wins) with ``build(id, nkey, row)``;
    record every new row's id by identity and ARN."""
    if not rows:
        return 0
    stored = ids.stored(kind, keys)
    by_arn, by_identity = ids.by_arn, ids.by_identity
    fresh = []
    new_id = ids.next_id
    for nkey, row in zip(keys, rows, strict=True):
        if nkey in stored:
            continue
        values = build(new_id, nkey, row)
        stored[nkey] = by_identity[(kind, nkey)] = (new_id, values[2])
        by_arn[values[2]] = new_id
        fresh.append(values)
        new_id += 1
    ids.next_id = new_id
    conn.executemany(_INSERT_ENTITY, fresh)
    return len(fresh)


def _insert_lineage(conn: Connection, ids: _Ids, kind: int, rows: list[dict], prefix: str, now: float,
                    flag: int) -> int:  # fmt: skip
    """Contexts, actions or artifacts (identified by name, name, Source)."""
    name_member, type_member = _NAME[kind], _TYPE[kind]
    resource = f"{prefix}{RESOURCE[kind]}/"
    if kind == ARTIFACT:
        keys = [source_hash(row["Source"]) for row in rows]
    else:
        keys = [row[name_member] for row in rows]

    def build(id_: int, nkey: str, row: dict) -> tuple:
        created = row.get("CreationTime")
        created = now if created is None else _epoch(created, now)
        doc = _json({m: v for m, v in row.items() if m in _LINEAGE_MEMBERS and v is not None})
        vertex_type = row[type_member]
        return (id_, kind, resource + nkey, nkey, row.get(name_member), vertex_type, vertex_type,
                row["Source"]["SourceUri"], row.get("Status"), created, created, flag, doc)  # fmt: skip

    return _insert(conn, ids, kind, rows, keys, build)


def _insert_components(conn: Connection, ids: _Ids, rows: list[dict], prefix: str, now: float,
                       flag: int) -> int:  # fmt: skip
    """Trial components (identified by their name, case-insensitively)."""
    resource = f"{prefix}{RESOURCE[COMPONENT]}/"

    def build(id_: int, nkey: str, row: dict) -> tuple:
        name = row["TrialComponentName"]
        created = _epoch(row.get("CreationTime"), now)
        doc = compact({m: row.get(m) for m in _COMPONENT_MEMBERS})
        for member in ("StartTime", "EndTime"):
            if member in doc:
                doc[member] = _epoch(doc[member], now)
        vertex_type = component_type(name)
        return (id_, COMPONENT, resource + name, nkey, name, vertex_type, "SageMaker" + vertex_type,
                (row.get("Source") or {}).get("SourceArn"), (row.get("Status") or {}).get("PrimaryStatus"),
                created, created, flag, _json(doc))  # fmt: skip

    keys = [name_key(COMPONENT, row["TrialComponentName"]) for row in rows]
    return _insert(conn, ids, COMPONENT, rows, keys, build)


def _bump(conn: Connection, key: str, n: int) -> None:
    conn.execute(
        "INSERT INTO usage (kind, n) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET n = n + excluded.n",
        (key, n),
    )
