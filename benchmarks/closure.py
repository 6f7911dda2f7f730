"""The embedded store's full upstream closure: LineageClient.trace against Service.trace.

Issue 15 asks for ``%lineage trace``'s full closure within 2x of ``Service.trace``'s time on the
embedded store at N = 100,000 (148,097 vertices, 220,880 edges from the last artifact, 100 hops up).
Both run in this process on one store, warm (the first of each loads the store's in-memory graph),
alternating, each result freed outside the timed part; CPU time (``time.process_time``) is the figure
to compare on a shared machine, wall time is printed beside it.

Usage (from benchmarks/, in the project's venv)::

    python closure.py [--db /tmp/closure.db] [--n 100000] [--repeat 7]

The store is built into ``--db`` when the file does not exist (about 6 s), and reused after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from apiutil import artifact_arn, connect
from graphgen import make_graph
from ours import load, service_of


def timed(fn) -> tuple[float, float]:
    """CPU and wall seconds of one call; its result is freed after the clocks stop."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    del result
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/closure.db")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from lineage_magics import LineageClient

    fresh = not os.path.exists(args.db)
    client = connect(args.db)
    service = service_of(client)
    if fresh:
        load(service, args.n)
    start = artifact_arn(client, make_graph(args.n).artifact_uri(make_graph(args.n).last_artifact))
    lc = LineageClient(client, progress=False)

    def store():
        return service.trace(start, "Ascendants", 100)

    def lineage_client():
        return lc.trace(start, direction="up", depth=100)

    graph = lineage_client()
    print(f"N = {args.n:,}: {len(graph.vertices):,} vertices, {len(graph.edges):,} edges, 100 hops up")
    del graph
    timed(store)
    runs: dict[str, list[tuple[float, float]]] = {"Service.trace": [], "LineageClient.trace": []}
    for _ in range(args.repeat):
        runs["Service.trace"].append(timed(store))
        runs["LineageClient.trace"].append(timed(lineage_client))

    def figures(name: str) -> list[float]:
        cpu = [c for c, _ in runs[name]]
        wall = [w for _, w in runs[name]]
        return [min(cpu), statistics.median(cpu), min(wall), statistics.median(wall)]

    service_figures, client_figures = figures("Service.trace"), figures("LineageClient.trace")
    print(f"\n| best / median of {args.repeat} | CPU best | CPU median | wall best | wall median |")
    print("|---|---|---|---|---|")
    for name, row in (("Service.trace", service_figures), ("LineageClient.trace", client_figures)):
        print(f"| {name} | " + " | ".join(f"{s * 1000:.1f} ms" for s in row) + " |")
    ratios = [c / s for c, s in zip(client_figures, service_figures, strict=True)]
    print("| ratio | " + " | ".join(f"{r:.2f}x" for r in ratios) + " |")


if __name__ == "__main__":
    main()
