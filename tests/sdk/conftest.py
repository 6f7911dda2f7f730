"""Fixtures for the SageMaker SDK checks: a real ``lineage serve`` process and the documented code."""

from __future__ import annotations

import runpy
import signal
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

pytest.importorskip("sagemaker.core.lineage")


class Server:
    """``lineage serve --memory`` on a free port."""

    def __init__(self):
        command = [sys.executable, "-m", "lineage_magics.cli", "serve", "--memory", "--port", "0"]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("lineage serve: http://"):
            self.proc.kill()
            raise RuntimeError(f"lineage serve did not start: {line!r} {self.proc.stderr.read()!r}")
        self.url = line.split()[2]

    def client(self):
        return boto3.client(
            "sagemaker",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()


@pytest.fixture
def server():
    running = Server()
    yield running
    assert running.stop() == 0


@pytest.fixture(scope="session")
def documented():
    """The documentation's V3 code blocks: ``{"BUILD": [...], "CLEANUP": [...]}``."""
    return runpy.run_path(str(Path(__file__).with_name("documented_v3.py")))
