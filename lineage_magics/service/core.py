"""Service: the embedded SageMaker lineage service over one Store."""

from __future__ import annotations

import json
import logging
import random
import re
import sqlite3
import threading
import time
from functools import partial
from operator import itemgetter

from . import spec
from .artifacts import source_hash
from .bulk import bulk_import
from .common import DEFAULT_LIMITS, KIND_OF_LINEAGE_TYPE, LINEAGE_TYPE, Settings, Txn, now_ms
from .dispatch import OPERATIONS
from .errors import ServiceFault, internal_failure, serialization, throttling, unsupported
from .query import ADJACENCY_AFTER, GraphCache, QueryCache, properties_of, vertex_rows, walk
from .store import Store

log = logging.getLogger(__name__)

_REGION = re.compile(r"[a-z0-9-]+")  # what an ARN's region may be (common.ARN_RE)
_ACCOUNT = re.compile(r"[0-9]{12}")
_DIRECTIONS = {"both": "Both", "up": "Ascendants", "down": "Descendants"}


class Service:
    """SageMaker's lineage operations on an SQLite store.

    ``call(operation, params)`` takes and returns SageMaker's JSON 1.1 documents as Python data
    (timestamps as epoch seconds) and raises ``ServiceFault``; ``handle(operation, body)`` is the
    same on bytes and never raises. Both the in-process hook and ``lineage serve`` use ``handle``.
    """

    def __init__(self, path: str = ":memory:", *, region: str = "us-east-1", account: str = "000000000000"):
        if not _REGION.fullmatch(region) or not _ACCOUNT.fullmatch(account):
            raise ValueError(
                f"region {region!r} / account {account!r}: a region is lower-case letters, digits and "
                "hyphens (us-east-1), an account id 12 digits"
            )
        self.store = Store(path)
        self.region = region
        self.account = account
        self.settings = Settings(
            arn_prefix=f"arn:aws:sagemaker:{region}:{account}:",
            limits=dict(DEFAULT_LIMITS),
            refuse_delete_with_associations=True,
            query_cache=self.query_cache,
        )
        self.limits = self.settings.limits  # the same dict: configure() updates it in place
        self.latency = 0.0
        self.throttle_rate = 0.0
        self.error_rate = 0.0
        self._random = random.Random()
        self._random_lock = threading.Lock()
        self._cache = QueryCache()
        self._graph: tuple | None = None  # (store version, GraphCache) for large traces
        self.request_check = (
            None  # callable(operation, headers) -> None | raises ServiceFault (HTTP auth seam)
        )

    # Settings ----------------------------------------------------------------------------------
    def configure(
        self,
        *,
        latency: float | None = None,
        throttle_rate: float | None = None,
        error_rate: float | None = None,
        limits: dict[str, int | None] | None = None,
        refuse_delete_with_associations: bool | None = None,
        seed: int | None = None,
    ) -> Service:
        """Fault injection and limits; arguments left as None keep their current value.

        ``latency`` seconds are slept before each call; then a share ``throttle_rate`` of calls
        answers ``ThrottlingException`` ("Rate exceeded", HTTP 400) and a share ``error_rate``
        ``InternalFailure`` (HTTP 500), before the store is touched. ``limits`` updates the
        manual-entity limits by key (``artifacts``, ``contexts``, ``actions``, ``associations``;
        None lifts one). ``seed`` makes the injected faults reproducible.
        """
        for name, value in (
            ("latency", latency),
            ("throttle_rate", throttle_rate),
            ("error_rate", error_rate),
        ):
            if value is not None:
                if value < 0 or (name != "latency" and value > 1):
                    raise ValueError(f"{name} out of range: {value}")
                setattr(self, name, float(value))
        if limits:
            unknown = set(limits) - set(DEFAULT_LIMITS)
            if unknown:
                raise ValueError(f"unknown limit {sorted(unknown)}; the limits are {sorted(DEFAULT_LIMITS)}")
            self.limits.update(limits)
        if refuse_delete_with_associations is not None:
            self.settings.refuse_delete_with_associations = bool(refuse_delete_with_associations)
        if seed is not None:
            self._random.seed(seed)
        return self

    # Calls -------------------------------------------------------------------------------------
    def _faults(self) -> None:
        if self.latency:
            time.sleep(self.latency)
        if self.throttle_rate or self.error_rate:
            with self._random_lock:
                draw = self._random.random()
            if draw < self.throttle_rate:
                raise throttling()
            if draw < self.throttle_rate + self.error_rate:
                raise internal_failure()

    def call(self, operation: str, params: dict) -> dict:
        """Answer one operation (request and response as JSON-ready Python data)."""
        entry = OPERATIONS.get(operation)
        if entry is None:
            raise unsupported(operation)
        self._faults()
        spec.validate(operation, params)
        handler, writes = entry
        try:
            with self.store.write() if writes else self.store.read() as conn:
                return handler(Txn(conn, self.settings, now_ms()), params)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ServiceFault("ServiceUnavailable", f"The store is busy ({exc}); retry.", 503) from exc
            raise
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError:  # integrity, programming...: a bug, not the file
                raise
            # SQLITE_CORRUPT / SQLITE_NOTADB: a damaged file. Say so once; retrying cannot help.
            raise ServiceFault(
                "StoreCorrupted",
                f"The store {self.store.path} is damaged ({exc}); it was left as it is. Restore it from a "
                "backup, or use another store.",
                500,
            ) from exc

    def handle(self, operation: str, body: bytes | str | None) -> tuple[int, bytes]:
        """``call`` on a JSON body: ``(HTTP status, JSON body)``; errors as ``{"__type", "message"}``."""
        try:
            try:
                params = json.loads(body) if body else {}
            except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deeply
                raise serialization(f"The request body is not valid JSON: {exc}") from exc
            if not isinstance(params, dict):
                raise serialization("The request body must be a JSON object.")
            try:  # "\\ud800" is valid JSON but not Unicode text: no store or answer could hold it
                json.dumps(params, ensure_ascii=False).encode()
            except UnicodeEncodeError as exc:
                raise serialization(
                    f"The request holds a lone surrogate, not Unicode text: {exc.reason}."
                ) from exc
            return 200, json.dumps(self.call(operation, params)).encode()
        except ServiceFault as fault:
            return fault.status, json.dumps(fault.to_wire()).encode()
        except Exception as exc:  # never a stack trace on the wire; keep it in the log
            log.exception("local lineage service failed on %s", operation)
            fault = internal_failure(f"The local lineage service failed: {type(exc).__name__}: {exc}")
            return fault.status, json.dumps(fault.to_wire()).encode()

    def query_cache(self, key: str, compute):
        return self._cache.get(self.store.version(), key, compute)

    # Fast paths --------------------------------------------------------------------------------
    @property
    def arn_prefix(self) -> str:
        """``arn:aws:sagemaker:REGION:ACCOUNT:``, what every ARN this service makes starts with."""
        return self.settings.arn_prefix

    @property
    def refuse_delete_with_associations(self) -> bool:
        return self.settings.refuse_delete_with_associations

    def artifact_arn(self, source: dict) -> str:
        """The ARN CreateArtifact gives an artifact with this Source (``{"SourceUri", "SourceTypes"}``)."""
        return f"{self.arn_prefix}artifact/{source_hash(source)}"

    # Load many entities and associations in one transaction (``bulk.bulk_import``).
    bulk_import = bulk_import

    def trace(
        self,
        start_arn: str,
        direction: str = "Both",
        max_depth: int | None = 10,
        *,
        max_vertices: int | None = None,
        edges: bool = True,
        properties: bool | str = False,
        edge_type: type[tuple] = tuple,
    ) -> dict:
        """The walk behind QueryLineage without its limits or pages, for fast local traces.

        ``direction``: Both | Ascendants | Descendants (or both | up | down); ``max_depth`` None
        walks to the end. Returns ``{"vertices": [(arn, lineage_type, type, name, source_uri,
        depth)], "edges": [(source_arn, destination_arn, type)], "truncated": bool}`` (rows, the
        start vertex first, then by depth); ``properties=True`` appends each vertex's properties, and a
        lineage type (``properties="Artifact"``) those of that type's vertices only (``{}`` for others).
        ``edge_type``: the tuple type each edge is made as (LineageClient passes its ``Edge`` named
        tuple, so that the edges of a large trace are made once).

        A walk reading more than ``query.ADJACENCY_AFTER`` associations loads the graph into memory
        (``query.GraphCache``), kept for the next traces until anything writes to the store.
        """
        direction = _DIRECTIONS.get(direction, direction)
        if direction not in ("Both", "Ascendants", "Descendants"):
            raise ValueError(f"direction must be Both, Ascendants or Descendants, not {direction!r}")
        with self.store.read() as conn:
            version = self.store.version()  # read before the snapshot: a cache is never newer than its key

            def graph(build: bool) -> GraphCache | None:
                cached = self._graph
                if cached is not None and cached[0] != version:
                    cached = self._graph = None  # stale: free it before building another
                if cached is None and build:
                    cached = self._graph = (version, GraphCache())
                return cached[1] if cached is not None else None

            start = Txn(conn, self.settings, 0).find_arn(start_arn)
            if start is None:
                raise ServiceFault("ResourceNotFound", f"Resource '{start_arn}' does not exist.")
            order, depth, found_edges, truncated = walk(
                conn, start.id, direction, max_depth, edges, max_vertices, graph
            )
            memory = graph(False)
            cached = (
                memory is not None
                and properties is not True
                and (memory.heads is not None or len(order) > ADJACENCY_AFTER)
            )
            if cached:
                heads = memory.vertices(conn)[0]
            else:
                rows = vertex_rows(conn, order, full=properties is True)
            docs = {}
            if isinstance(properties, str):
                kind = KIND_OF_LINEAGE_TYPE[properties]
                if cached:
                    wanted = [i for i in order if heads[i][1] == properties]
                else:
                    wanted = [i for i in order if rows[i][1] == kind]
                docs = properties_of(conn, wanted)
        if truncated:  # edges to vertices the cut left out are not returned
            kept = set(order)
            found_edges = [e for e in found_edges if e[0] in kept and e[1] in kept]
        if cached:  # the same rows built by C loops (map, zip) over the cached vertices
            ones = [(d,) for d in range(max(depth.values()) + 1)]
            vertices = list(
                map(
                    tuple.__add__,
                    map(heads.__getitem__, order),
                    map(ones.__getitem__, map(depth.__getitem__, order)),
                )
            )
            triples = map(itemgetter(3, 4, 2), found_edges)
            if edge_type is not tuple:  # each made as an edge_type at once (the plain tuple is freed at once)
                triples = map(partial(tuple.__new__, edge_type), triples)
            edge_list = list(triples)
            if isinstance(properties, str):
                vertices = _with_properties(vertices, order, docs)
            return {"vertices": vertices, "edges": edge_list, "truncated": truncated}
        lineage = LINEAGE_TYPE.get
        vertices = [
            (row[2], lineage(row[1]), row[3], row[4], row[5], depth[i]) for i in order for row in (rows[i],)
        ]
        if properties is True:
            vertices = [
                (*vertex, json.loads(rows[i][8]).get("Properties") or {})
                for vertex, i in zip(vertices, order, strict=True)
            ]
        elif isinstance(properties, str):
            vertices = _with_properties(vertices, order, docs)
        edge_list = [(rows[s][2], rows[d][2], kind) for s, d, kind in found_edges]
        if edge_type is not tuple:
            edge_list = list(map(partial(tuple.__new__, edge_type), edge_list))
        return {"vertices": vertices, "edges": edge_list, "truncated": truncated}

    def properties(self, arns: list[str]) -> dict[str, dict]:
        """The Properties of the entities these ARNs name (``{}`` when they have none; absent when
        the entity does not exist), read in one transaction."""
        out: dict[str, dict] = {}
        with self.store.read() as conn:
            t = Txn(conn, self.settings, 0)
            for arn in dict.fromkeys(arns):
                entity = t.find_arn(arn)
                if entity is not None:
                    found = properties_of(conn, [entity.id]).get(entity.id)
                    out[arn] = json.loads(found) if found else {}
        return out

    def counts(self) -> dict[str, tuple[int, int | None]]:
        """Manual-entity usage against the limits: ``{"artifacts": (used, limit), ...}``."""
        with self.store.read() as conn:
            t = Txn(conn, self.settings, 0)
            return {
                key: (t.usage(key), self.limits.get(key))
                for key in ("contexts", "actions", "artifacts", "associations")
            }

    def close(self) -> None:
        self.store.close()


def _with_properties(vertices: list[tuple], order: list[int], docs: dict[int, str]) -> list[tuple]:
    """Each vertex row with its properties appended (``{}`` where ``docs`` has no document)."""
    loads = json.loads
    return [
        (*vertex, loads(docs[i]) if docs.get(i) else {}) for vertex, i in zip(vertices, order, strict=True)
    ]


__all__ = ["Service", "ServiceFault"]
