"""Runs one benchmark worker in a fresh subprocess and returns its JSON report (plus wall time)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MLMD_PYTHON = HERE / ".venv-mlmd" / "bin" / "python"


class WorkerError(RuntimeError):
    """A worker exited non-zero or printed no JSON; the message is its last stderr line."""


def python_for(worker: str) -> str:
    return str(MLMD_PYTHON) if worker == "peer_mlmd" else sys.executable


def run_worker(worker: str, args: dict, timeout: float = 1800) -> dict:
    """Run benchmarks/<worker>.py with args as JSON; return the last JSON line it printed."""
    cmd = [python_for(worker), str(HERE / f"{worker}.py"), json.dumps(args)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=HERE)
    except subprocess.TimeoutExpired as exc:
        raise WorkerError(f"{worker} {args.get('op')}: timed out after {timeout:.0f} s") from exc
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise WorkerError(f"{worker} {args.get('op')}: {err}")
    report = json.loads(lines[-1])
    report["wall_s"] = time.perf_counter() - t0
    return report


def mlmd_available() -> bool:
    if not MLMD_PYTHON.exists():
        return False
    probe = subprocess.run([str(MLMD_PYTHON), "-c", "import ml_metadata"], capture_output=True)
    return probe.returncode == 0
