"""The SQLite store: persistence, WAL, schema version, refusing foreign or newer files, two processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from lineage_magics.service import Service, StoreError
from lineage_magics.service.store import APPLICATION_ID, SCHEMA_VERSION


def make_context(service, name):
    return service.call(
        "CreateContext", {"ContextName": name, "ContextType": "T", "Source": {"SourceUri": "u"}}
    )


def test_file_store_persists_and_uses_wal(tmp_path):
    path = str(tmp_path / "lineage.db")
    first = Service(path)
    make_context(first, "kept")
    first.close()
    second = Service(path)
    assert second.call("DescribeContext", {"ContextName": "kept"})["ContextName"] == "kept"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_newer_schema_is_refused_and_untouched(tmp_path):
    path = tmp_path / "new.db"
    Service(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer lineage-magics"):
        Service(str(path))
    assert path.read_bytes() == before


def test_not_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all, just some bytes" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a lineage-magics store"):
        Service(str(path))
    assert path.read_bytes() == before


def test_foreign_sqlite_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another application"):
        Service(str(path))
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]


def test_failed_operation_rolls_back(tmp_path):
    service = Service(str(tmp_path / "r.db"))
    service.configure(limits={"contexts": 1})
    make_context(service, "one")
    status, _ = service.handle(
        "CreateContext", b'{"ContextName": "two", "ContextType": "T", "Source": {"SourceUri": "u"}}'
    )
    assert status == 400
    assert service.counts()["contexts"] == (1, 1)


WRITER = """
import sys
from lineage_magics.service import Service
s = Service(sys.argv[1])
for i in range(60):
    s.call("CreateAction", {"ActionName": f"{sys.argv[2]}-{i}", "ActionType": "T", "Source": {"SourceUri": "u"}})
    s.call("ListActions", {"MaxResults": 5})
"""


def test_two_processes_on_one_file(tmp_path):
    path = str(tmp_path / "shared.db")
    Service(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, path, name]) for name in ("p1", "p2", "p3")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    service = Service(path)
    assert service.counts()["actions"] == (180, 3000)
    token, names = None, []
    while True:
        out = service.call("ListActions", {"MaxResults": 100, **({"NextToken": token} if token else {})})
        names += [s["ActionName"] for s in out["ActionSummaries"]]
        token = out.get("NextToken")
        if not token:
            break
    assert len(names) == 180 == len(set(names))


def test_a_version_1_store_is_migrated_and_answers_as_before(tmp_path):
    """Schema 1 kept every ARN twice (`akey`); schema 2 finds ARNs through the identity index."""
    from lineage_magics.service.store import EDGE_INDEXES, ENTITY_INDEXES, MIGRATIONS

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[1].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    prefix = "arn:aws:sagemaker:us-east-1:000000000000:"
    rows = [  # as schema 1 wrote them: (kind, arn, akey, nkey, name, type, atype, source_uri, doc)
        (1, prefix + "context/Pipeline-A", prefix + "context/Pipeline-A", "Pipeline-A", "Pipeline-A",
         "Pipeline", "Pipeline", "s3://p", '{"Source":{"SourceUri":"s3://p"},"Properties":{"k":"v"}}'),
        (4, prefix + "experiment/My-Exp", (prefix + "experiment/My-Exp").lower(), "my-exp", "My-Exp",
         "Experiment", "SageMakerExperiment", None, '{"DisplayName":"Mine"}'),
    ]  # fmt: skip
    conn.executemany(
        "INSERT INTO entity (kind, arn, akey, nkey, name, type, atype, source_uri, created, modified, doc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1700000000, 1700000000, ?)",
        rows,
    )
    conn.close()

    service = Service(str(path))
    assert service.store.schema_version == SCHEMA_VERSION == 3
    got = service.call("DescribeContext", {"ContextName": prefix + "context/Pipeline-A"})
    assert got["Properties"] == {"k": "v"} and got["CreationTime"] == 1700000000
    exp = service.call("DescribeExperiment", {"ExperimentName": "MY-EXP"})
    assert exp["ExperimentArn"] == prefix + "experiment/My-Exp" and exp["DisplayName"] == "Mine"
    tags = {"ResourceArn": prefix + "EXPERIMENT/my-exp".lower(), "Tags": [{"Key": "a", "Value": "b"}]}
    service.call("AddTags", tags)  # an experiment's ARN in another case names it
    assert service.call("ListTags", {"ResourceArn": prefix + "experiment/My-Exp"})["Tags"] == tags["Tags"]
    with pytest.raises(Exception, match="does not exist"):  # context ARNs keep their case
        service.call("DescribeContext", {"ContextName": prefix + "context/pipeline-a"})
    service.close()

    conn = sqlite3.connect(path)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(entity)")]
    assert "akey" not in columns and conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    indexes = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    )
    for name, sql in {**ENTITY_INDEXES, **EDGE_INDEXES}.items():
        assert indexes[name] == sql
