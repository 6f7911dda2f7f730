"""The SQLite store: schema, versioned migrations, one connection a process, one transaction a call.

WAL journal, a busy timeout, ``BEGIN IMMEDIATE`` for writes: several processes (two kernels, a
kernel and ``lineage serve``) can share one file. A file written by a newer schema, a foreign
SQLite database or a file that is not SQLite at all is refused with a clear error and never touched.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import LineageError

SCHEMA_VERSION = 3
APPLICATION_ID = 0x4C4D4147  # "LMAG": marks a lineage-magics store
BUSY_TIMEOUT_MS = 30_000

# The indexes of the current schema, by name (a large bulk import drops and rebuilds most of them;
# tests/service/test_store.py checks these against the migrated schema).
ENTITY_INDEXES = {
    "entity_identity": "CREATE UNIQUE INDEX entity_identity ON entity(kind, nkey)",
    "entity_created": "CREATE INDEX entity_created ON entity(kind, created)",
    "entity_name": "CREATE INDEX entity_name ON entity(kind, name)",
    "entity_source": "CREATE INDEX entity_source ON entity(kind, source_uri)",
    "entity_parent": "CREATE INDEX entity_parent ON entity(parent) WHERE parent IS NOT NULL",
}
EDGE_INDEXES = {
    "edge_dst": "CREATE INDEX edge_dst ON edge(dst, src, type)",
    "edge_created": "CREATE INDEX edge_created ON edge(created)",
}

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE entity (
        id INTEGER PRIMARY KEY,
        kind INTEGER NOT NULL,
        arn TEXT NOT NULL,
        akey TEXT NOT NULL UNIQUE,
        nkey TEXT NOT NULL,
        name TEXT,
        type TEXT,
        atype TEXT,
        source_uri TEXT,
        status TEXT,
        created REAL NOT NULL,
        modified REAL NOT NULL,
        manual INTEGER NOT NULL DEFAULT 1,
        parent INTEGER,
        doc TEXT NOT NULL DEFAULT '{}'
    );
    CREATE UNIQUE INDEX entity_identity ON entity(kind, nkey);
    CREATE INDEX entity_created ON entity(kind, created);
    CREATE INDEX entity_name ON entity(kind, name);
    CREATE INDEX entity_source ON entity(kind, source_uri);
    CREATE INDEX entity_parent ON entity(parent) WHERE parent IS NOT NULL;
    CREATE TABLE edge (
        src INTEGER NOT NULL,
        dst INTEGER NOT NULL,
        type TEXT,
        created REAL NOT NULL,
        manual INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (src, dst)
    ) WITHOUT ROWID;
    CREATE INDEX edge_dst ON edge(dst, src, type);
    CREATE INDEX edge_created ON edge(created);
    CREATE TABLE member (
        trial INTEGER NOT NULL,
        component INTEGER NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (trial, component)
    ) WITHOUT ROWID;
    CREATE INDEX member_component ON member(component, trial);
    CREATE TABLE tag (
        entity INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (entity, key)
    ) WITHOUT ROWID;
    CREATE INDEX tag_seq ON tag(entity, seq);
    CREATE TABLE usage (kind TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
    """,
    # 2: no `akey` column (a second copy of every ARN under its own UNIQUE index). An ARN is found
    # through entity_identity: its resource names the kind and its last part is the nkey.
    2: """
    CREATE TABLE entity_v2 (
        id INTEGER PRIMARY KEY,
        kind INTEGER NOT NULL,          -- 1 context 2 action 3 artifact 4 experiment 5 trial 6 trial component
        arn TEXT NOT NULL,
        nkey TEXT NOT NULL,             -- identity within the kind: name, lower(name) or the Source hash
        name TEXT,
        type TEXT,                      -- QueryLineage vertex Type
        atype TEXT,                     -- AssociationSummary Source/DestinationType
        source_uri TEXT,
        status TEXT,
        created REAL NOT NULL,
        modified REAL NOT NULL,
        manual INTEGER NOT NULL DEFAULT 1,
        parent INTEGER,                 -- a trial's experiment
        doc TEXT NOT NULL DEFAULT '{}'  -- JSON: Source, Description, Properties and the other members
    );
    INSERT INTO entity_v2 (id, kind, arn, nkey, name, type, atype, source_uri, status, created, modified,
                           manual, parent, doc)
        SELECT id, kind, arn, nkey, name, type, atype, source_uri, status, created, modified, manual, parent, doc
        FROM entity;
    DROP TABLE entity;
    ALTER TABLE entity_v2 RENAME TO entity;
    CREATE UNIQUE INDEX entity_identity ON entity(kind, nkey);
    CREATE INDEX entity_created ON entity(kind, created);
    CREATE INDEX entity_name ON entity(kind, name);
    CREATE INDEX entity_source ON entity(kind, source_uri);
    CREATE INDEX entity_parent ON entity(parent) WHERE parent IS NOT NULL;
    """,
    # 3: run metrics (sagemaker-metrics BatchPutMetrics): the raw points, and one summary row per
    # trial component and metric kept up to date on each write (service/metrics.py)
    3: """
    CREATE TABLE metric (
        component INTEGER NOT NULL,     -- the trial component's entity id
        name TEXT NOT NULL,
        seq INTEGER NOT NULL,           -- order of arrival within the component
        ts REAL NOT NULL,               -- epoch seconds
        step INTEGER,
        value REAL NOT NULL,
        PRIMARY KEY (component, seq)
    ) WITHOUT ROWID;
    CREATE INDEX metric_name ON metric(component, name, ts);
    CREATE TABLE metric_summary (
        component INTEGER NOT NULL,
        name TEXT NOT NULL,
        count INTEGER NOT NULL,
        mean REAL NOT NULL,
        m2 REAL NOT NULL,               -- Welford's sum of squared deviations
        min REAL, max REAL, last REAL, last_ts REAL, last_step INTEGER,
        PRIMARY KEY (component, name)
    ) WITHOUT ROWID;
    """,
}


class StoreError(LineageError):
    """The store file cannot be used (not SQLite, foreign, newer schema)."""


class Store:
    """One SQLite database; ``read()`` / ``write()`` open one transaction each.

    A Store keeps one connection for the process and serialises its threads with a lock;
    other processes are serialised by SQLite's own locking (WAL, busy timeout).
    """

    def __init__(self, path: str = ":memory:"):
        self.path = path
        self.pid = os.getpid()
        self.lock = threading.RLock()
        self.writes = 0  # commits made through this Store (with PRAGMA data_version: cache keys)
        self.conn = self._open(path)

    def _open(self, path: str) -> sqlite3.Connection:
        if path != ":memory:":
            folder = os.path.dirname(os.path.abspath(path))
            os.makedirs(folder, exist_ok=True)
        try:
            conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, cached_statements=512, timeout=30
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a lineage-magics store ({exc}); it was left untouched") from exc
        if tables and app_id != APPLICATION_ID:
            conn.close()
            raise StoreError(f"{path} is an SQLite database of another application; it was left untouched")
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{path} was written by a newer lineage-magics (store schema {version}, this version "
                f"reads up to {SCHEMA_VERSION}); upgrade lineage-magics to use it"
            )
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -65536")
        self._migrate(conn)
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for target in sorted(MIGRATIONS):
                if target > version:
                    for statement in MIGRATIONS[target].split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {int(target)}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        with self.lock:
            return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def version(self) -> tuple[int, int]:
        """Changes when anything (this process or another) committed since the last call."""
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0], self.writes

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction (one consistent snapshot)."""
        with self.lock:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on error."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            self.writes += 1

    def close(self) -> None:
        with self.lock:
            self.conn.close()
