"""Timing and reporting helpers shared by every benchmark worker (stdlib only: runs in any venv)."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time


def measure(fn, repeat: int = 5, warmup: int = 1) -> dict:
    """Run fn warmup + repeat times; return median/min seconds and fn's last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "min_s": min(times), "repeat": repeat, "result": result}


def once(fn) -> dict:
    t0 = time.perf_counter()
    result = fn()
    return {"median_s": time.perf_counter() - t0, "repeat": 1, "result": result}


def maxrss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(payload: dict) -> None:
    """Print the worker's one JSON line (the parent reads the last line of stdout)."""
    payload = dict(payload)
    payload.setdefault("maxrss_mb", round(maxrss_mb(), 1))
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def parse_args(argv: list[str]) -> dict:
    """Workers take a single JSON object as their argument."""
    return json.loads(argv[1]) if len(argv) > 1 else {}
