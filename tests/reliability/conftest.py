"""Shared helpers for the reliability tests: worker subprocesses and store consistency checks.

``lineage serve`` itself comes from the ``servers`` / ``session_servers`` fixtures of ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
WORKERS = str(HERE / "_workers.py")
REPO = HERE.parent.parent


def worker(*args: str, **popen) -> subprocess.Popen:
    """Start ``_workers.py ARGS...`` in a fresh interpreter (a separate "kernel")."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **popen.pop("env", {})}
    return subprocess.Popen(
        [sys.executable, WORKERS, *args], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, **popen,
    )  # fmt: skip


def wait_for(predicate, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL one worker we started and reap it."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


def store_problems(path: str) -> list[str]:
    """What is wrong with a store file: integrity, dangling references, usage counters out of step."""
    conn = sqlite3.connect(path)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [r[0] for r in conn.execute("PRAGMA foreign_key_check")]
        checks = {
            "association to a missing entity": "SELECT count(*) FROM edge WHERE src NOT IN (SELECT id FROM entity) "
            "OR dst NOT IN (SELECT id FROM entity)",
            "tag of a missing entity": "SELECT count(*) FROM tag WHERE entity NOT IN (SELECT id FROM entity)",
            "trial membership of a missing entity": "SELECT count(*) FROM member WHERE trial NOT IN "
            "(SELECT id FROM entity) OR component NOT IN (SELECT id FROM entity)",
        }
        for what, sql in checks.items():
            n = conn.execute(sql).fetchone()[0]
            if n:
                problems.append(f"{n} {what}")
        counted = dict(conn.execute("SELECT kind, n FROM usage"))
        actual = {
            "contexts": "SELECT count(*) FROM entity WHERE kind = 1 AND manual = 1",
            "actions": "SELECT count(*) FROM entity WHERE kind = 2 AND manual = 1",
            "artifacts": "SELECT count(*) FROM entity WHERE kind = 3 AND manual = 1",
            "associations": "SELECT count(*) FROM edge WHERE manual = 1",
        }
        for key, sql in actual.items():
            n = conn.execute(sql).fetchone()[0]
            if counted.get(key, 0) != n:
                problems.append(f"usage counter {key} = {counted.get(key, 0)}, but {n} rows")
        return problems
    finally:
        conn.close()
