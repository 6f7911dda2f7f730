"""What the operation families share: entity kinds, ARNs, lookups, limits, summaries, pagination."""

from __future__ import annotations

import base64
import json
import math
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import limit_exceeded, not_found, validation


def now_ms() -> float:
    """Now in epoch seconds, cut to the millisecond (what SageMaker keeps). Cut, not rounded: a time
    rounded up could sort after something made later (a bulk import in the same millisecond)."""
    return math.floor(time.time() * 1000) / 1000


CONTEXT, ACTION, ARTIFACT, EXPERIMENT, TRIAL, COMPONENT = 1, 2, 3, 4, 5, 6
RESOURCE = {
    CONTEXT: "context",
    ACTION: "action",
    ARTIFACT: "artifact",
    EXPERIMENT: "experiment",
    TRIAL: "experiment-trial",
    COMPONENT: "experiment-trial-component",
}
KIND_OF_RESOURCE = {v: k for k, v in RESOURCE.items()}
LABEL = {
    CONTEXT: "Context",
    ACTION: "Action",
    ARTIFACT: "Artifact",
    EXPERIMENT: "Experiment",
    TRIAL: "Trial",
    COMPONENT: "TrialComponent",
}
LINEAGE_TYPE = {CONTEXT: "Context", ACTION: "Action", ARTIFACT: "Artifact", COMPONENT: "TrialComponent"}
KIND_OF_LINEAGE_TYPE = {v: k for k, v in LINEAGE_TYPE.items()}
EXPERIMENT_ENTITIES = (EXPERIMENT, TRIAL, COMPONENT)
LIMIT_KEYS = {CONTEXT: "contexts", ACTION: "actions", ARTIFACT: "artifacts"}
LIMIT_NOUNS = {
    "contexts": "Contexts",
    "actions": "Actions",
    "artifacts": "Artifacts",
    "associations": "Associations",
}
DEFAULT_LIMITS = {"artifacts": 6000, "contexts": 500, "actions": 3000, "associations": 6000}

ARN_RE = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:([a-z\-]+)/(.+)")
ENTITY_COLUMNS = (
    "id, kind, arn, name, type, atype, source_uri, status, created, modified, manual, parent, doc"
)


@dataclass
class Entity:
    """One row of the ``entity`` table, with its JSON document decoded."""

    id: int
    kind: int
    arn: str
    name: str | None
    type: str | None
    atype: str | None
    source_uri: str | None
    status: str | None
    created: float
    modified: float
    manual: int
    parent: int | None
    doc: dict

    @classmethod
    def from_row(cls, row) -> Entity:
        values = list(row)
        values[-1] = json.loads(values[-1])
        return cls(*values)

    @property
    def label(self) -> str:
        return LABEL[self.kind]


def name_key(kind: int, name: str) -> str:
    return name.lower() if kind in EXPERIMENT_ENTITIES else name


def same_arn(kind: int, stored: str, given: str) -> bool:
    """Whether ``given`` names the entity of ``kind`` stored under ``stored`` (experiment entities'
    ARNs are case-insensitive; another region or account is another entity)."""
    return stored.lower() == given.lower() if kind in EXPERIMENT_ENTITIES else stored == given


def identity_of_arn(arn: str) -> tuple[int, str] | None:
    """``(kind, nkey)`` of the entity an ARN names (its resource and last part), or None."""
    found = ARN_RE.fullmatch(arn)
    kind = KIND_OF_RESOURCE.get(found.group(1)) if found else None
    if kind is None:
        return None
    return kind, name_key(kind, found.group(2))


def compact(mapping: dict) -> dict:
    """Drop members that are None (SageMaker omits what was never set)."""
    return {k: v for k, v in mapping.items() if v is not None}


@dataclass
class Settings:
    """What an operation needs of its Service: the ARN prefix, the manual-entity limits, the delete
    rule, and the cache of QueryLineage answers (``query_cache(key, compute)``)."""

    arn_prefix: str
    limits: dict[str, int | None]
    refuse_delete_with_associations: bool
    query_cache: Callable[[str, Callable[[], Any]], Any]


class Txn:
    """One operation's transaction: the connection, the service's settings and the clock."""

    __slots__ = ("conn", "settings", "now")

    def __init__(self, conn: sqlite3.Connection, settings: Settings, now: float):
        self.conn = conn
        self.settings = settings
        self.now = now

    # ARNs and lookups -------------------------------------------------------------------------
    def arn(self, kind: int, name: str) -> str:
        return f"{self.settings.arn_prefix}{RESOURCE[kind]}/{name}"

    def _one(self, sql: str, args) -> Entity | None:
        row = self.conn.execute(sql, args).fetchone()
        return Entity.from_row(row) if row else None

    def find(self, kind: int, name: str) -> Entity | None:
        """The entity of ``kind`` with this name (or, for artifacts, this Source hash)."""
        return self._one(
            f"SELECT {ENTITY_COLUMNS} FROM entity WHERE kind = ? AND nkey = ?",  # noqa: S608 (constant columns)
            (kind, name_key(kind, name)),
        )

    def find_arn(self, arn: str) -> Entity | None:
        identity = identity_of_arn(arn)
        if identity is None:
            return None
        entity = self._one(
            f"SELECT {ENTITY_COLUMNS} FROM entity WHERE kind = ? AND nkey = ?",  # noqa: S608 (constant columns)
            identity,
        )
        return entity if entity is not None and same_arn(entity.kind, entity.arn, arn) else None

    def get(self, kind: int, name_or_arn: str) -> Entity:
        """The entity named (or with this ARN), else ``ResourceNotFound``."""
        if name_or_arn.startswith("arn:"):
            entity = self.find_arn(name_or_arn)
            if entity is not None and entity.kind != kind:
                entity = None
            shown = name_or_arn
        else:
            entity = self.find(kind, name_or_arn)
            shown = self.arn(kind, name_or_arn)
        if entity is None:
            raise not_found(f"{LABEL[kind]} '{shown}' does not exist.")
        return entity

    # Writes ------------------------------------------------------------------------------------
    def insert(
        self,
        kind: int,
        *,
        name: str | None,
        nkey: str,
        arn: str,
        type: str | None = None,
        atype: str | None = None,
        source_uri: str | None = None,
        status: str | None = None,
        parent: int | None = None,
        doc: dict | None = None,
        created: float | None = None,
    ) -> int:
        created = self.now if created is None else created
        cursor = self.conn.execute(
            "INSERT INTO entity (kind, arn, nkey, name, type, atype, source_uri, status, created, "
            "modified, manual, parent, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (
                kind,
                arn,
                nkey,
                name,
                type,
                atype,
                source_uri,
                status,
                created,
                created,
                parent,
                json.dumps(compact(doc or {})),
            ),
        )
        key = LIMIT_KEYS.get(kind)
        if key:
            self.bump(key, 1)
        return cursor.lastrowid

    def save_doc(self, entity: Entity, **columns) -> None:
        """Write back an entity's document (and any changed columns); touch LastModifiedTime."""
        sets = ["doc = ?", "modified = ?"]
        args: list[Any] = [json.dumps(compact(entity.doc)), self.now]
        for column, value in columns.items():
            sets.append(f"{column} = ?")
            args.append(value)
        args.append(entity.id)
        self.conn.execute(f"UPDATE entity SET {', '.join(sets)} WHERE id = ?", args)  # noqa: S608 (fixed names)

    def association_count(self, entity_id: int) -> int:
        out = self.conn.execute("SELECT count(*) FROM edge WHERE src = ?", (entity_id,)).fetchone()[0]
        return out + self.conn.execute("SELECT count(*) FROM edge WHERE dst = ?", (entity_id,)).fetchone()[0]

    def delete_entity(self, entity: Entity) -> None:
        """Delete an entity, refusing while associations remain (unless configured to cascade)."""
        count = self.association_count(entity.id)
        if count and self.settings.refuse_delete_with_associations:
            noun = "association" if count == 1 else "associations"
            raise validation(
                f"{entity.label} '{entity.arn}' has {count} {noun} and cannot be deleted. "
                "Delete its associations first."
            )
        if count:
            for column in ("src", "dst"):
                manual = self.conn.execute(
                    f"SELECT count(*) FROM edge WHERE {column} = ? AND manual = 1",  # noqa: S608 (fixed names)
                    (entity.id,),
                ).fetchone()[0]
                self.bump("associations", -manual)
                self.conn.execute(f"DELETE FROM edge WHERE {column} = ?", (entity.id,))  # noqa: S608
        self.conn.execute("DELETE FROM tag WHERE entity = ?", (entity.id,))
        self.conn.execute("DELETE FROM member WHERE trial = ? OR component = ?", (entity.id, entity.id))
        self.conn.execute("DELETE FROM entity WHERE id = ?", (entity.id,))
        key = LIMIT_KEYS.get(entity.kind)
        if key and entity.manual:
            self.bump(key, -1)

    # Limits ------------------------------------------------------------------------------------
    def usage(self, key: str) -> int:
        row = self.conn.execute("SELECT n FROM usage WHERE kind = ?", (key,)).fetchone()
        return row[0] if row else 0

    def bump(self, key: str, delta: int) -> None:
        if delta:
            self.conn.execute(
                "INSERT INTO usage (kind, n) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET n = n + excluded.n",
                (key, delta),
            )

    def check_limit(self, key: str, delta: int = 1) -> None:
        """``ResourceLimitExceeded`` with AWS's account-level message when a manual limit is reached."""
        limit = self.settings.limits.get(key)
        if limit is None:
            return
        current = self.usage(key)
        if current + delta > limit:
            noun = LIMIT_NOUNS[key]
            raise limit_exceeded(
                f"The account-level service limit 'Total number of {key} allowed, excluding those "
                f"automatically created by SageMaker' is {limit} {noun}, with current utilization of "
                f"{current} {noun} and a request delta of {delta} {noun}."
            )


# Pagination -------------------------------------------------------------------------------------
def encode_token(payload: list) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, scope: str) -> list:
    """The payload of a NextToken made by ``encode_token`` for ``scope``; else ValidationException."""
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(payload, list) or not payload or payload[0] != scope:
            raise ValueError(token)
        return payload[1:]
    except (ValueError, TypeError) as exc:
        raise validation("Invalid pagination token: the NextToken was not issued for this request.") from exc


def page_size(params: dict, default: int = 10) -> int:
    return params.get("MaxResults") or default


def list_page(
    t: Txn,
    *,
    scope: str,
    select: str,
    where: list[str],
    args: list,
    sort_expr: str,
    tiebreak: tuple[str, ...],
    params: dict,
) -> tuple[list, str | None]:
    """One page of a keyset-paginated listing, sorted by ``sort_expr`` then ``tiebreak``.

    The NextToken carries the last row's sort key and the sort settings it was made for.
    """
    descending = params.get("SortOrder", "Descending") == "Descending"
    limit = page_size(params)
    keys = (sort_expr, *tiebreak)
    scope = f"{scope}:{params.get('SortBy', '')}:{int(descending)}"
    where = list(where)
    args = list(args)
    if params.get("NextToken"):
        after = decode_token(params["NextToken"], scope)
        if len(after) != len(keys):
            raise validation("Invalid pagination token: the NextToken was not issued for this request.")
        marks = ", ".join("?" for _ in keys)
        where.append(f"({', '.join(keys)}) {'<' if descending else '>'} ({marks})")
        args.extend(after)
    order = ", ".join(f"{k} {'DESC' if descending else 'ASC'}" for k in keys)
    sql = select + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order} LIMIT ?"
    rows = t.conn.execute(sql, [*args, limit + 1]).fetchall()
    token = None
    if len(rows) > limit:
        rows = rows[:limit]
        token = encode_token([scope, *rows[-1][-len(keys) :]])
    return rows, token


def created_filters(params: dict, column: str, where: list[str], args: list) -> None:
    if params.get("CreatedAfter") is not None:
        where.append(f"{column} >= ?")
        args.append(float(params["CreatedAfter"]))
    if params.get("CreatedBefore") is not None:
        where.append(f"{column} <= ?")
        args.append(float(params["CreatedBefore"]))


def properties_after_update(current: dict, params: dict) -> dict:
    """SageMaker's documented rule: ``Properties`` replaces the list, then ``PropertiesToRemove`` applies."""
    properties = dict(params["Properties"]) if "Properties" in params else dict(current)
    for key in params.get("PropertiesToRemove") or []:
        properties.pop(key, None)
    return properties


def list_entities(t: Txn, kind: int, p: dict, *, type_param: str | None, summary, result_key: str) -> dict:
    """List* for one entity kind: SourceUri / type / created filters, Name or CreationTime order."""
    where = ["kind = ?"]
    args: list = [kind]
    if p.get("SourceUri") is not None:
        where.append("source_uri = ?")
        args.append(p["SourceUri"])
    if type_param and p.get(type_param) is not None:
        where.append("type = ?")
        args.append(p[type_param])
    return entity_page(t, p, where=where, args=args, summary=summary, result_key=result_key)


def entity_page(
    t: Txn, p: dict, *, where: list[str], args: list, summary, result_key: str, alias: str = ""
) -> dict:
    """One List* page of entities matching ``where`` (columns of ``entity``, or of ``entity <alias>``):
    created filters, Name or CreationTime order, NextToken; each row answered as ``summary(t, entity)``."""
    prefix = f"{alias}." if alias else ""
    created_filters(p, prefix + "created", where, args)
    sort_expr = prefix + ("name" if p.get("SortBy") == "Name" else "created")
    columns = ", ".join(prefix + c.strip() for c in ENTITY_COLUMNS.split(","))
    rows, token = list_page(
        t,
        scope=result_key,
        select=f"SELECT {columns}, {sort_expr}, {prefix}id FROM entity {alias}",  # noqa: S608 (fixed names)
        where=where,
        args=args,
        sort_expr=sort_expr,
        tiebreak=(prefix + "id",),
        params=p,
    )
    out: dict = {result_key: [summary(t, Entity.from_row(row[:13])) for row in rows]}
    if token:
        out["NextToken"] = token
    return out


def lineage_doc(p: dict, *members: str) -> dict:
    """The request members kept in an entity's JSON document."""
    return {m: p[m] for m in members if p.get(m) is not None}
