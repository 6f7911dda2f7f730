"""The one harness for ``lineage serve`` as a real subprocess, shared by every test folder.

``servers(*flags, env=None) -> Server`` starts one for the test; ``session_servers`` is the same
factory for module- and session-scoped fixtures. Every server started is stopped at the factory's
teardown (SIGTERM, then SIGKILL if it does not stop).
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

REPO = Path(__file__).resolve().parent.parent


class Server:
    """``python -m lineage_magics.cli serve --port 0 FLAGS`` (``--memory`` unless ``--db`` is given).

    ``--port 0`` lets the server bind a free port; the URL comes from its first line of output, and the
    server has answered ``GET /ping`` before the constructor returns. stderr is kept for ``stop()``.
    """

    def __init__(self, *flags: str, env: dict | None = None):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        command = [sys.executable, "-m", "lineage_magics.cli", "serve", "--port", "0", *flags]
        if "--db" not in flags:
            command.append("--memory")
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO
        )
        line = self.proc.stdout.readline()
        if not line.startswith("lineage serve: http://"):
            self._fail(f"lineage serve did not start: {line!r}")
        self.url = line.split()[2]
        self.port = int(self.url.rsplit(":", 1)[1])
        host = urlsplit(self.url).hostname
        self._host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # where a client reaches it
        self._wait_until_it_answers()

    def _fail(self, message: str):
        self.proc.kill()
        self.proc.wait()
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        raise RuntimeError(f"{message} {err!r}")

    def _wait_until_it_answers(self, timeout: float = 30.0) -> None:
        """Until ``GET /ping`` is answered: the server loop (and its signal handlers) is running."""
        deadline = time.monotonic() + timeout
        while True:
            conn = http.client.HTTPConnection(self._host, self.port, timeout=5)
            try:
                conn.request("GET", "/ping")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            if self.proc.poll() is not None:
                self._fail(f"lineage serve exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                self._fail(f"lineage serve did not answer at {self.url}")
            time.sleep(0.01)

    def client(self, key: str = "x", secret: str = "x", **config):
        """A boto3 SageMaker client on this server with dummy (or the given) keys; ``config``: ``Config(**config)``."""
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


def _factory():
    started: list[Server] = []

    def start(*flags: str, env: dict | None = None) -> Server:
        server = Server(*flags, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def servers():
    """``servers(*flags, env=None) -> Server``; every server started is stopped after the test."""
    yield from _factory()


@pytest.fixture(scope="session")
def session_servers():
    """``servers`` for module- and session-scoped fixtures; stopped at the end of the session."""
    yield from _factory()
