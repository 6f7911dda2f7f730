"""The real ``lineage`` console script in a subprocess, on a real SQLite store or a running ``lineage serve``.

``backend`` gives each test a fresh store: a SQLite file (answered in-process by the command) or the same
kind of file behind ``lineage serve --db`` (reached over HTTP). ``cli(*args)`` runs the command on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..magics.conftest import MNIST_BODY

LINEAGE = Path(sys.executable).parent / "lineage"  # the console script installed beside this interpreter

# the README's MNIST workflow as a file: the cell, its %%lineage line and all
WORKFLOW = "%%lineage context mnist-workflow --type MLWorkflow --source-uri 1700000000\n" + MNIST_BODY
MNIST_NAMES = {"mnist-workflow", "mnist-test-images", "mnist-test-labels", "model-build-step", "mnist-model"}


class Done:
    """A finished command: ``code``, ``out`` (text, or bytes when asked), ``err``."""

    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"<Done {self.code} out={self.out[:400]!r} err={self.err!r}>"


def command_env(home: Path, url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINEAGE_MAGICS_", "AWS_", "COLUMNS"))}
    env.update(HOME=str(home), PYTHONUNBUFFERED="1")
    if url:
        env["LINEAGE_MAGICS_URL"] = url
    return env


def run_command(*args: str, url: str | None, home: Path, cwd: Path, input: str | None = None,
                binary: bool = False) -> Done:  # fmt: skip
    """``lineage ARGS`` as a subprocess (stdin ``input``, else closed)."""
    assert LINEAGE.exists(), f"no console script at {LINEAGE}: install the package (./run tests)"
    proc = subprocess.run(
        [str(LINEAGE), *args],
        input=input.encode() if input is not None else None,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        env=command_env(home, url),
        cwd=cwd,
        timeout=120,
    )
    out = proc.stdout if binary else proc.stdout.decode()
    return Done(subprocess.CompletedProcess(proc.args, proc.returncode, out, proc.stderr.decode()))


class Backend:
    """A fresh store for one test: ``url`` (what ``--url`` / ``$LINEAGE_MAGICS_URL`` say) and ``db`` (its file)."""

    def __init__(self, kind: str, tmp: Path, servers):
        self.kind = kind
        self.tmp = tmp
        self.db = tmp / "lineage.db"
        if kind == "sqlite":
            self.url = f"sqlite:///{self.db}"
        else:
            self.server = servers("--db", str(self.db))
            self.url = self.server.url.replace("0.0.0.0", "127.0.0.1")

    def __call__(
        self, *args: str, input: str | None = None, binary: bool = False, url: str | None = None
    ) -> Done:
        return run_command(
            *args, url=url or self.url, home=self.tmp, cwd=self.tmp, input=input, binary=binary
        )

    def ok(self, *args: str, **kw) -> Done:
        done = self(*args, **kw)
        assert done.code == 0, done
        return done

    def mnist(self) -> None:
        """The README's MNIST workflow, applied with ``lineage apply``."""
        (self.tmp / "workflow.lineage").write_text(WORKFLOW)
        self.ok("apply", "workflow.lineage")

    def state(self, url: str | None = None) -> tuple[set, set]:
        """Every entity as (kind, name, type) and every association as (source, destination, type), read
        with a LineageClient (the store as it is, whatever the command said)."""
        return store_state(url or self.url)


def store_state(url: str) -> tuple[set, set]:
    """Every entity as (kind, name, type) and every association as (source, destination, type)."""
    from lineage_magics import LineageClient

    client = LineageClient(url, progress=False)
    links = {(a.source_label, a.destination_label, a.type) for a in client.list("associations")}
    entities = set()
    for kind in ("contexts", "actions", "artifacts", "experiments", "trials", "trial-components"):
        entities |= {(e.kind, e.name, e.type) for e in client.list(kind)}
    return entities, links


@pytest.fixture(params=["sqlite", "http"])
def backend(request, tmp_path, servers) -> Backend:
    """A fresh store: a SQLite file, or one behind ``lineage serve``."""
    return Backend(request.param, tmp_path, servers)


@pytest.fixture
def local(tmp_path, servers) -> Backend:
    """A fresh SQLite store (for what does not depend on the backend)."""
    return Backend("sqlite", tmp_path, servers)


def one_error_line(done: Done, code: int) -> str:
    """The command failed with ``code`` and said why in one line, without a traceback."""
    assert done.code == code, done
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.err, done
    assert lines[0].startswith("lineage"), done
    return lines[0]
