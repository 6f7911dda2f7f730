"""Several processes (kernels) writing one SQLite store at once through the public API."""

from __future__ import annotations

import json

from lineage_magics import LineageClient

from .conftest import store_problems, worker

PROCESSES = 4
WRITES = 500


def test_four_processes_writing_one_file(tmp_path):
    db = tmp_path / "same.db"  # not created yet: the four processes also race to create the schema
    url = f"sqlite:///{db}"
    procs = [
        (worker("writer", url, f"p{n}", str(WRITES), str(tmp_path / f"p{n}.json")), n)
        for n in range(PROCESSES)
    ]
    for proc, n in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in err and "locked" not in out
        assert json.loads((tmp_path / f"p{n}.json").read_text()) == {"errors": []}

    lc = LineageClient(url, progress=False)
    actions = lc.list("actions")
    artifacts = lc.list("artifacts")
    associations = lc.list("associations")
    total = PROCESSES * WRITES
    assert len(actions) == len({a.name for a in actions}) == total
    assert len(artifacts) == len({a.source_uri for a in artifacts}) == total
    assert len(associations) == total
    expected = {
        (f"{p}-d{i}", f"{p}-a{i}") for p in (f"p{n}" for n in range(PROCESSES)) for i in range(WRITES)
    }
    assert {(a.source_name, a.destination_name) for a in associations} == expected
    assert {a.type for a in associations} == {"ContributedTo"}
    assert lc.counts()["actions"][0] == lc.counts()["artifacts"][0] == lc.counts()["associations"][0] == total
    assert store_problems(str(db)) == []
    # the four writers really overlapped in time (else this test proves nothing about concurrency)
    spans = [[a.created for a in actions if a.name.startswith(f"p{n}-")] for n in range(PROCESSES)]
    assert max(min(s) for s in spans) < min(max(s) for s in spans)


def test_kernels_and_lineage_serve_sharing_one_file(tmp_path, servers):
    """Two kernels on the file and two clients of a ``lineage serve`` on the same file, at once."""
    db = tmp_path / "shared.db"
    url = f"sqlite:///{db}"
    server = servers("--db", str(db))
    writes = 250
    procs = [(worker("writer", target, tag, str(writes), str(tmp_path / f"{tag}.json")), tag)
             for target, tag in ((url, "k1"), (url, "k2"), (server.url, "h1"), (server.url, "h2"))]  # fmt: skip
    for proc, tag in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-2000:]
        assert json.loads((tmp_path / f"{tag}.json").read_text()) == {"errors": []}
    code, err = server.stop()
    assert code == 0 and "locked" not in err and "Traceback" not in err
    lc = LineageClient(url, progress=False)
    assert len(lc.list("actions")) == len(lc.list("artifacts")) == len(lc.list("associations")) == 4 * writes
    assert store_problems(str(db)) == []
