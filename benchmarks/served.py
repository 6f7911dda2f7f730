"""API calls and wall time against `lineage serve --latency S` (issue 15): a displayed 20-hop
upstream trace and a clean-up of a 1,000-association context through LineageClient, beside the
naive SDK-style ListAssociations walk and delete loop.

    .venv/bin/python benchmarks/served.py                        # N = 3,000, 30 ms a call: a few minutes
    .venv/bin/python benchmarks/served.py --n 300 --latency 0 --associations 100   # a smoke run

Every case starts from a fresh client (empty caches) unless it says "same session". Calls are counted
on the client, by operation (botocore's before-parameter-build event); the server answers each after
``--latency`` seconds, as SageMaker would after a round trip, with 4 threads. Prints a Markdown table
(and writes it to ``--out``); RESULTS.md is not touched.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from apiutil import artifact_arn, connect, count_calls  # noqa: E402
from graphgen import make_graph  # noqa: E402
from ours import build_cleanup_store, load, service_of  # noqa: E402
from peer_sdk import naive_cleanup, naive_named_walk  # noqa: E402
from report import environment, fmt_time  # noqa: E402


class Served:
    """``lineage serve --db PATH --latency S --port 0`` in a subprocess, answering ``GET /ping``."""

    def __init__(self, db: str, latency: float):
        command = [sys.executable, "-m", "lineage_magics.cli", "serve", "--db", db, "--port", "0",
                   "--latency", str(latency)]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
        )
        line = self.proc.stdout.readline()
        if not line.startswith("lineage serve: http://"):
            self.stop()
            raise RuntimeError(f"lineage serve did not start: {line!r}")
        self.url = line.split()[2]
        parts = urlsplit(self.url)
        for _ in range(3000):
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            try:
                conn.request("GET", "/ping")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.01)
            finally:
                conn.close()
        self.stop()
        raise RuntimeError(f"lineage serve did not answer at {self.url}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def timed(client, fn) -> tuple[object, Counter, float]:
    """``fn()``'s result, the calls ``client`` made meanwhile by operation, and the wall time."""
    calls = count_calls(client)
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    return result, Counter(calls), seconds


def by_operation(calls: Counter) -> str:
    return ", ".join(f"{n:,} {op}" for op, n in calls.most_common())


Case = tuple[str, Counter, float, str]  # what, calls by operation, wall seconds, a note


def trace_cases(url: str, start: str, hops: int) -> list[Case]:
    """The upstream trace from ``start``: drawn, drawn again, exported two ways, the naive walk."""
    from lineage_magics import LineageClient

    def shown(lc) -> str:
        g = lc.trace(start, direction="up", depth=hops)
        svg = g._repr_mimebundle_()["image/svg+xml"]
        drawn = [v for v in g.vertices[:150] if v.lineage_type == "Artifact"]
        named = sum(1 for v in drawn if v.name and f">{v.name}<" in svg)
        return f"{len(g.vertices):,} v; {named} of {len(drawn)} drawn artifacts labelled with their names"

    def exported(lc, properties: bool) -> str:
        g = lc.trace(start, direction="up", depth=hops)
        g.to_json(properties=properties)
        artifacts = [v for v in g.vertices if v.lineage_type == "Artifact"]
        return f"{len(g.vertices):,} v; {sum(1 for v in artifacts if v.name):,} of {len(artifacts):,} artifacts named"

    rows: list[Case] = []
    lc = LineageClient(url, progress=False)
    note, calls, seconds = timed(lc.sagemaker, lambda: shown(lc))
    rows.append((f"LineageClient: {hops}-hop trace shown as SVG (default cap 150)", calls, seconds, note))
    note, calls, seconds = timed(lc.sagemaker, lambda: shown(lc))
    rows.append(("the same, again in the same session", calls, seconds, note))
    lc.fresh_for = 0  # as if fresh_for seconds had passed: what was read is checked by LastModifiedTime
    note, calls, seconds = timed(lc.sagemaker, lambda: shown(lc))
    rows.append(
        (
            "the same, again after `fresh_for` (names and properties checked, none changed)",
            calls,
            seconds,
            note,
        )
    )
    for properties, what in (
        (False, "exported to JSON, every vertex named (`to_json(properties=False)`)"),
        (True, "exported to JSON with properties: a describe per artifact, as every trace made before"),
    ):
        lc = LineageClient(url, progress=False)
        note, calls, seconds = timed(lc.sagemaker, lambda lc=lc, p=properties: exported(lc, p))
        rows.append((f"LineageClient: {what}", calls, seconds, note))
    client = connect_url(url)
    result, calls, seconds = timed(client, lambda: naive_named_walk(client, start, "up", hops))
    note = f"{result['vertices']:,} v; {result['named']:,} artifacts named"
    rows.append(
        (
            "naive SDK-style walk: ListAssociations per vertex, then DescribeArtifact each",
            calls,
            seconds,
            note,
        )
    )
    return rows


def cleanup_cases(latency: float, workdir: Path, associations: int) -> list[Case]:
    """A context of ``associations`` members emptied and deleted: LineageClient.cleanup, then the naive
    loop, each on its own fresh store."""
    from lineage_magics import LineageClient

    rows: list[Case] = []
    for who in ("LineageClient.cleanup", "naive SDK-style loop: delete(disassociate=True) per member"):
        db = str(workdir / f"cleanup-{len(rows)}.db")
        name = build_cleanup_store(db, associations)
        with Served(db, latency) as server:
            if who.startswith("LineageClient"):
                lc = LineageClient(server.url, progress=False)
                _, calls, seconds = timed(lc.sagemaker, lambda lc=lc, name=name: lc.cleanup(name))
            else:
                client = connect_url(server.url)
                _, calls, seconds = timed(client, lambda c=client, name=name: naive_cleanup(c, name))
        with service_of(connect(db)).store.read() as conn:
            left = conn.execute(
                "SELECT (SELECT count(*) FROM entity) + (SELECT count(*) FROM edge)"
            ).fetchone()[0]
        rows.append(
            (
                f"{who} ({associations:,} associations)",
                calls,
                seconds,
                f"{left} entities and associations left",
            )
        )
    return rows


def connect_url(url: str):
    import lineage_magics

    return lineage_magics.connect(url)


def table(rows: list[Case]) -> str:
    lines = ["| Case | API calls | By operation | Wall | Note |", "|---|---|---|---|---|"]
    for what, calls, seconds, note in rows:
        cells = [what, f"{sum(calls.values()):,}", by_operation(calls), fmt_time(seconds), note]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="artifacts (and actions) in the graph")
    parser.add_argument("--hops", type=int, default=20, help="depth of the upstream trace")
    parser.add_argument("--latency", type=float, default=0.03, help="seconds the server waits per answer")
    parser.add_argument("--associations", type=int, default=1000, help="members of the clean-up context")
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db = str(workdir / "graph.db")
        client = connect(db)
        load(service_of(client), args.n)
        start = artifact_arn(client, make_graph(args.n).artifact_uri(args.n - 1))
        service_of(client).close()
        print(f"served benchmark: N = {args.n:,}, latency {args.latency * 1000:g} ms", file=sys.stderr)
        with Served(db, args.latency) as server:
            rows = trace_cases(server.url, start, args.hops)
        rows += cleanup_cases(args.latency, workdir, args.associations)
    load_after = os.getloadavg()
    env = dict(environment())
    text = "\n".join(
        [
            f"`lineage serve --latency {args.latency:g}`, N = {args.n:,} (the benchmark graph), the trace "
            f"{args.hops} hops up from the last artifact; {env['Date']}, {env['Machine']}, Python "
            f"{env['Python']}, lineage-magics {env['lineage-magics']}; load average {load_before[0]:.1f} before, "
            f"{load_after[0]:.1f} after (1 min).",
            "",
            table(rows),
            "",
        ]
    )
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
