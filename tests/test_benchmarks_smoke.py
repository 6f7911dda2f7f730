"""The benchmark script runs end to end at smoke size and its table has every row with figures.

No timed assertions: speed is what benchmarks/RESULTS.md reports, not what tests check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ROWS = [
    "Bulk load",
    "One notebook write",
    "Trace 5 hops upstream",
    "Trace 5 hops both ways",
    "Trace 20 hops upstream",
    "Full upstream closure",
    "Full upstream closure through `%lineage trace`",
    "Trace across the QueryLineage page limit",
    "Clean-up of a context with 1,000 associations",
    "Render 30 vertices",
    "Render 300 vertices",
    "Render 3,000 vertices",
    "`%load_ext lineage_magics`",
]
FIGURE = re.compile(r"\d+(\.\d+)? (µs|ms|s)\b")


@pytest.mark.slow
def test_smoke_run_writes_a_table_with_every_row(tmp_path):
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--n",
            "300",
            "--skip-peers",
            "--out",
            str(out),
            "--workdir",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text()
    assert "N = 300" in text and "Python" in text and "SQLite" in text and "botocore" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table and all(line in proc.stdout for line in table), "the printed table differs from the file"
    for name in ROWS:
        matching = [line for line in table if line.startswith(f"| {name}")]
        assert matching, f"no row {name!r} in\n{text}"
        ours = matching[0].split(" | ")[1]
        assert FIGURE.search(ours), f"row {name!r} has no figure for ours: {matching[0]}"
    assert "peers skipped" in text
    assert "failed" not in text, text


@pytest.mark.slow
def test_the_closure_benchmark_prints_both_traces_and_their_ratio(tmp_path):
    proc = subprocess.run(
        [sys.executable, "closure.py", "--db", str(tmp_path / "closure.db"), "--n", "300", "--repeat", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT / "benchmarks",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {line.split(" | ")[0]: line for line in proc.stdout.splitlines() if line.startswith("| ")}
    for name in ("| Service.trace", "| LineageClient.trace"):
        assert len(FIGURE.findall(rows[name])) == 4, proc.stdout
    assert len(re.findall(r"\d+\.\d\dx", rows["| ratio"])) == 4, proc.stdout
