"""The results table: cells, ratios, target checks, the machine and versions, Markdown output."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from harness import MLMD_PYTHON

HERE = Path(__file__).resolve().parent


@dataclass
class Cell:
    """One system's figure for one row: a time in seconds and/or a text, a note, its peak RSS."""

    seconds: float | None = None
    text: str | None = None
    note: str = ""
    rss_mb: float | None = None

    def render(self) -> str:
        main = self.text if self.text is not None else fmt_time(self.seconds)
        return f"{main} ({self.note})" if self.note else main


def skipped(reason: str) -> Cell:
    return Cell(text=f"– {reason}")


@dataclass
class Row:
    name: str
    ours: Cell
    api: Cell | None = None
    mlmd: Cell | None = None
    floor: Cell | None = None
    other: str = ""
    target: str = ""
    met: str = "–"


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def speedup(ours: Cell | None, peer: Cell | None) -> float | None:
    """How many times faster ours is than peer (peer time / our time), None when either is missing."""
    if ours is None or peer is None or not ours.seconds or peer.seconds is None:
        return None
    return peer.seconds / ours.seconds


def fmt_ratio_mlmd(row: Row) -> str:
    s = speedup(row.ours, row.mlmd)
    if s is None:
        return "–"
    return f"{s:.1f}× faster" if s >= 1 else f"{1 / s:.1f}× slower"


def fmt_ratio_floor(row: Row) -> str:
    s = speedup(row.ours, row.floor)
    return "–" if s is None else f"{1 / s:.2f}× floor"


def check(row: Row, limit_s: float | None, min_speedup: float | None, max_floor: float | None) -> str:
    """Judge a timed row: under limit_s, ≥ min_speedup × MLMD, ≤ max_floor × the floor. Names each miss."""
    misses, unchecked = [], []
    if row.ours.seconds is None:
        return "NO: not measured"
    if limit_s is not None and row.ours.seconds >= limit_s:
        misses.append(f"{fmt_time(row.ours.seconds)} ≥ {fmt_time(limit_s)}")
    if min_speedup is not None:
        s = speedup(row.ours, row.mlmd)
        if s is None:
            unchecked.append("MLMD")
        elif s < min_speedup:
            misses.append(f"only {s:.1f}× MLMD (need {min_speedup:g}×)")
    if max_floor is not None:
        s = speedup(row.ours, row.floor)
        if s is None:
            unchecked.append("floor")
        elif 1 / s > max_floor:
            misses.append(f"{1 / s:.1f}× floor (max {max_floor:g}×)")
    if misses:
        return "**NO**: " + "; ".join(misses)
    return "yes" + (f" ({', '.join(unchecked)} not run)" if unchecked else "")


def rss_text(row: Row) -> str:
    parts = []
    for label, cell in (("ours", row.ours), ("API", row.api), ("MLMD", row.mlmd), ("floor", row.floor)):
        if cell is not None and cell.rss_mb is not None:
            parts.append(f"{label} {cell.rss_mb:.0f}")
    return " / ".join(parts) or "–"


HEADER = (
    "| Row | Ours (service) | Ours (public API) | MLMD | sqlite floor | SDK / naive walk | vs MLMD | vs floor "
    "| Target (N=100k) | Met | Peak RSS MB |"
)


def table(rows: list[Row]) -> str:
    lines = [HEADER, "|" + "---|" * (HEADER.count("|") - 1)]
    for r in rows:
        cells = [
            r.name,
            r.ours.render(),
            r.api.render() if r.api else "–",
            r.mlmd.render() if r.mlmd else "–",
            r.floor.render() if r.floor else "–",
            r.other or "–",
            fmt_ratio_mlmd(r),
            fmt_ratio_floor(r),
            r.target or "–",
            r.met,
            rss_text(r),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _mlmd_version() -> str:
    if not MLMD_PYTHON.exists():
        return "not installed"
    probe = subprocess.run(
        [
            str(MLMD_PYTHON),
            "-c",
            "import ml_metadata, google.protobuf as p; print(ml_metadata.__version__, p.__version__)",
        ],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return "not installed"
    mlmd, protobuf = probe.stdout.split()
    return f"{mlmd} (own venv, protobuf {protobuf})"


def _commit() -> str:
    probe = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE)
    return probe.stdout.strip() or "unknown"


def environment() -> list[tuple[str, str]]:
    return [
        ("Date", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        (
            "Machine",
            f"{_cpu_model()}, {os.cpu_count()} cores, {_memory()} RAM, {platform.system()} {platform.release()}",
        ),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("botocore", _version("botocore")),
        ("sagemaker-core", _version("sagemaker-core")),
        ("ml-metadata", _mlmd_version()),
        ("lineage-magics", f"{_version('lineage-magics')} (commit {_commit()})"),
    ]


def document(n: int, graph_desc: str, rows: list[Row], notes: list[str], env: list[tuple[str, str]]) -> str:
    out = [f"# lineage-magics benchmarks (N = {n:,})", ""]
    out += [f"- **{k}**: {v}" for k, v in env]
    out += [f"- **Graph**: {graph_desc}", "", table(rows), ""]
    if notes:
        out += ["Notes:", ""] + [f"- {note}" for note in notes] + [""]
    return "\n".join(out)
