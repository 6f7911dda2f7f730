"""All-or-nothing operations: a process SIGKILLed in the middle of a clean-up or a copy leaves a
consistent store, and running the job again finishes it."""

from __future__ import annotations

import json
import os

import pytest

from lineage_magics import LineageClient, connect
from lineage_magics.connect import local_service

from .conftest import kill, store_problems, wait_for, worker

MEMBERS = 250  # actions and as many artifacts: 500 members of one context


def build_context(url: str, name: str = "big", members: int = MEMBERS) -> dict[str, int]:
    """A context with ``members`` actions and as many artifacts as members, chained through them;
    with the default 250: 500 membership links + 250 ContributedTo + 250 Produced = 1,000 associations."""
    service = local_service(connect(url))
    arn = service.arn_prefix
    actions = [{"ActionName": f"{name}-step{i}", "ActionType": "Train", "Source": {"SourceUri": f"job://{i}"}}
               for i in range(members)]  # fmt: skip
    artifacts = [{"ArtifactType": "DataSet", "ArtifactName": f"{name}-data{i}",
                  "Source": {"SourceUri": f"s3://{name}/data/{i}"}} for i in range(members)]  # fmt: skip
    art_arns = [service.artifact_arn(a["Source"]) for a in artifacts]
    act_arns = [f"{arn}action/{a['ActionName']}" for a in actions]
    ctx = f"{arn}context/{name}"
    links = [{"SourceArn": ctx, "DestinationArn": m, "AssociationType": "AssociatedWith"}
             for m in act_arns + art_arns]  # fmt: skip
    links += [{"SourceArn": art_arns[i], "DestinationArn": act_arns[i], "AssociationType": "ContributedTo"}
              for i in range(members)]  # fmt: skip
    links += [{"SourceArn": act_arns[i], "DestinationArn": art_arns[(i + 1) % members],
               "AssociationType": "Produced"} for i in range(members)]  # fmt: skip
    contexts = [{"ContextName": name, "ContextType": "Workflow", "Source": {"SourceUri": f"wf://{name}"}}]
    return service.bulk_import(
        contexts=contexts, actions=actions, artifacts=artifacts, associations=links, manual=True
    )


def counts(url: str) -> dict[str, int]:
    return {k: v[0] for k, v in LineageClient(url, progress=False).counts().items()}


@pytest.mark.parametrize("kill_at", [250, 900])
def test_sigkill_during_cleanup_then_resume(tmp_path, kill_at):
    db = str(tmp_path / "store.db")
    url = f"sqlite:///{db}"
    assert build_context(url) == {"contexts": 1, "actions": 250, "artifacts": 250, "associations": 1000}
    plan = LineageClient(url, progress=False).plan_cleanup("big")
    assert (len(plan.associations), len(plan.entities)) == (1000, 501)

    progress = tmp_path / "progress"
    home = {"HOME": str(tmp_path)}  # nothing of this test reaches the real home folder
    proc = worker("cleanup", url, "big", str(progress), "0.002", env=home)

    def reached() -> bool:
        assert proc.poll() is None, proc.stderr.read()
        return progress.exists() and int(progress.read_text().split()[0]) >= kill_at

    wait_for(reached, 120, f"{kill_at} clean-up steps")
    kill(proc)

    assert store_problems(db) == []
    left = counts(url)
    assert 0 < left["associations"] < 1000 or left["actions"] + left["artifacts"] < 500
    assert left["contexts"] == 1  # the context goes last
    journal = (
        tmp_path / "store.db.cleanups"
    )  # members in flight (link deleted, member not yet), beside the store

    # a new process (the user re-runs the cell after restarting the kernel) finishes the job
    rerun = worker("cleanup", url, "big", str(tmp_path / "progress2"), env=home)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err[-2000:]
    assert json.loads(out)["errors"] == []
    assert store_problems(db) == []
    assert counts(url) == {"contexts": 0, "actions": 0, "artifacts": 0, "associations": 0}
    assert not journal.exists()  # the journal is gone once done


def test_sigkill_during_bulk_copy_is_all_or_nothing(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    build_context(source)
    for attempt in range(2):
        target_db = str(tmp_path / f"target{attempt}.db")
        marks = tmp_path / f"marks{attempt}"
        proc = worker("copy", source, f"sqlite:///{target_db}", str(marks))
        # the copy describes every entity first (marks count source calls), then imports in one transaction
        wait_for(
            lambda m=marks, n=100 + 200 * attempt: m.exists() and len(m.read_text()) >= n,
            120,
            "copy progress",
        )
        kill(proc)
        if os.path.exists(target_db):
            assert store_problems(target_db) == []
            assert counts(f"sqlite:///{target_db}") in (
                {"contexts": 0, "actions": 0, "artifacts": 0, "associations": 0},
                {"contexts": 1, "actions": 250, "artifacts": 250, "associations": 1000},
            )
        rerun = worker("copy", source, f"sqlite:///{target_db}", str(tmp_path / "ignored"))
        out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err[-2000:]
        assert json.loads(out)["errors"] == []
        assert counts(f"sqlite:///{target_db}") == {"contexts": 1, "actions": 250, "artifacts": 250,
                                                    "associations": 1000}  # fmt: skip
        assert store_problems(target_db) == []


def test_sigkill_during_copy_over_http_then_resume(tmp_path, servers):
    """Copy through the API (one call per entity and association) into ``lineage serve``; the copying
    process is killed half-way; the target store stays consistent and a second copy completes it."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    build_context(source, "web", members=60)  # 121 entities, 240 associations
    target_db = str(tmp_path / "target.db")
    server = servers("--db", target_db)
    marks = tmp_path / "marks"
    proc = worker("copy", source, server.url, str(marks))
    wait_for(lambda: marks.exists() and len(marks.read_text()) >= 400, 120, "copy progress")
    kill(proc)
    assert store_problems(target_db) == []
    partial = counts(f"sqlite:///{target_db}")
    assert 0 < sum(partial.values()) < 361, partial  # really killed in the middle
    rerun = worker("copy", source, server.url, str(tmp_path / "ignored"))
    out, err = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, err[-2000:]
    report = json.loads(out)
    assert report["errors"] == []
    assert sum(report["existing"].values()) > 0  # what the killed run made is found, not duplicated
    server.stop()
    assert store_problems(target_db) == []
    assert counts(f"sqlite:///{target_db}") == {
        "contexts": 1,
        "actions": 60,
        "artifacts": 60,
        "associations": 240,
    }


def test_sigkill_inside_one_large_transaction(tmp_path):
    """Killed while SQLite is writing one bulk transaction: afterwards all of it or none of it."""
    db = tmp_path / "bulk.db"
    url = f"sqlite:///{db}"
    LineageClient(url, progress=False).create_context("before", "T")  # the store exists, one committed row
    wal = tmp_path / "bulk.db-wal"
    proc = worker("bulk", url, "60000")
    wait_for(
        lambda: wal.exists() and wal.stat().st_size > 4_000_000, 120, "the transaction to be half-written"
    )
    kill(proc)
    assert store_problems(str(db)) == []
    left = counts(url)
    assert left in ({"contexts": 1, "actions": 0, "artifacts": 0, "associations": 0},
                    {"contexts": 1, "actions": 0, "artifacts": 60000, "associations": 59999})  # fmt: skip
    assert LineageClient(url, progress=False).get("before").name == "before"
