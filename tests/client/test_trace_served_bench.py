"""benchmarks/served.py runs end to end at smoke size against a real `lineage serve`, and its table
shows the call economies of issue 15 (counts only: the times are what the benchmark reports)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def calls(table: str, case: str) -> dict[str, int]:
    """The calls by operation of the first row starting with ``case``."""
    row = next(line for line in table.splitlines() if line.startswith(f"| {case}"))
    by_op = row.split(" | ")[2]
    return {op: int(n.replace(",", "")) for n, op in re.findall(r"(\d[\d,]*) ([A-Za-z]+)", by_op)}


@pytest.mark.slow
def test_served_benchmark_table(tmp_path):
    out = tmp_path / "served.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "served.py"),
            "--n",
            "300",
            "--latency",
            "0",
            "--associations",
            "60",
            "--out",
            str(out),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = out.read_text()
    assert table in proc.stdout
    shown = calls(table, "LineageClient: 20-hop trace shown")
    again = calls(table, "the same, again")
    named = calls(table, "LineageClient: exported to JSON, every vertex named")
    full = calls(table, "LineageClient: exported to JSON with properties")
    naive = calls(table, "naive SDK-style walk")
    assert set(again) == {"QueryLineage"} and again["QueryLineage"] == shown["QueryLineage"]
    assert sum(shown.values()) <= 150
    assert named["ListArtifacts"] > 0 and sum(named.values()) < sum(full.values()) < sum(naive.values())
    assert "of 199 artifacts named" in table and re.search(r"(\d+) of \1 drawn artifacts labelled", table)
    ours = calls(table, "LineageClient.cleanup")
    loop = calls(table, "naive SDK-style loop")
    assert sum(ours.values()) < sum(loop.values()) and ours["ListAssociations"] < loop["ListAssociations"]
    assert table.count("| 0 entities and associations left |") == 2
