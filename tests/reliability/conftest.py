"""Shared helpers for the reliability tests: worker subprocesses and store consistency checks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

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


class Server:
    """A real ``lineage serve`` subprocess on a free port (stderr kept for the warning tests)."""

    def __init__(self, *flags: str, env: dict | None = None):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        command = [sys.executable, "-m", "lineage_magics.cli", "serve", "--port", "0", *flags]
        if "--db" not in flags:
            command.append("--memory")
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO
        )
        line = self.proc.stdout.readline()
        if "http://" not in line:
            self.proc.kill()
            raise RuntimeError(f"lineage serve did not start: {line!r} {self.proc.stderr.read()!r}")
        self.url = next(w for w in line.split() if w.startswith("http://"))
        self.port = int(self.url.rsplit(":", 1)[1])

    def client(self, key: str = "x", secret: str = "x", **config):
        return boto3.client(
            "sagemaker",
            endpoint_url=self.url.replace("0.0.0.0", "127.0.0.1"),
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(**config) if config else None,
        )

    def stop(self) -> tuple[int, str]:
        """SIGTERM, wait; returns (exit code, stderr). Stopping twice returns the first answer."""
        if self.proc.stderr.closed:
            return self.proc.returncode, self.stderr
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code, self.stderr


@pytest.fixture
def servers():
    """``servers(*flags) -> Server``; every server started is stopped after the test."""
    started: list[Server] = []

    def start(*flags: str, env: dict | None = None) -> Server:
        server = Server(*flags, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
