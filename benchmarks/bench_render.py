"""Render-to-SVG times of lineage graphs shaped like SageMaker job lineage (chains with fan-in).

    .venv/bin/python benchmarks/bench_render.py                 # 30 / 300 / 3,000 / 5,000 vertices
    .venv/bin/python benchmarks/bench_render.py 300 --repeat 7

Each figure is the median wall time of building the DOT (with the default vertex cap) and running
``dot -Tsvg`` on it; ``nodes`` is how many vertex nodes the SVG holds. ``bench(sizes)`` returns the
rows for other scripts (keys: vertices, seconds, what, capped, nodes, more, note).
"""

from __future__ import annotations

import argparse
import statistics
import time
import xml.etree.ElementTree as ET

from lineage_magics.render.graphviz import to_svg
from lineage_magics.render.samples import job_graph
from lineage_magics.render.view import DEFAULT_MAX_VERTICES

SVG = "{http://www.w3.org/2000/svg}"
SIZES = (30, 300, 3000, 5000)


def _count(svg: str) -> tuple[int, int]:
    """(vertex nodes, "+K more" nodes) in an SVG."""
    vertices = more = 0
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class", "").split()[:1] == ["node"]:
            title = g.findtext(f"{SVG}title") or ""
            vertices += title.startswith("n")
            more += title.startswith("m")
    return vertices, more


def bench(sizes=SIZES, repeat: int = 3, max_vertices: int | None = None) -> list[dict]:
    """Median seconds to render each size to SVG (DOT built with the cap, then ``dot``)."""
    rows = []
    for n in sizes:
        graph = job_graph(n)
        times = []
        svg = ""
        for _ in range(repeat):
            t0 = time.perf_counter()
            svg = to_svg(graph, max_vertices=max_vertices)
            times.append(time.perf_counter() - t0)
        nodes, more = _count(svg)
        cap = max_vertices or DEFAULT_MAX_VERTICES
        rows.append(
            {
                "vertices": n,
                "edges": len(graph.edges),
                "seconds": statistics.median(times),
                "what": "DOT → SVG",
                "capped": n > cap,
                "nodes": nodes,
                "more": more,
                "svg_kb": len(svg.encode("utf-8")) // 1024,
                "note": f"capped to {nodes} + {more} “+K more”" if n > cap else f"{nodes} nodes",
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-vertices", type=int, default=None)
    args = parser.parse_args(argv)
    rows = bench(args.sizes, repeat=args.repeat, max_vertices=args.max_vertices)
    print(f"{'vertices':>9} {'edges':>7} {'median s':>9} {'nodes':>6} {'+K more':>8} {'SVG KB':>7}  capped")
    for r in rows:
        print(
            f"{r['vertices']:>9,} {r['edges']:>7,} {r['seconds']:>9.3f} {r['nodes']:>6} {r['more']:>8} "
            f"{r['svg_kb']:>7}  {'yes' if r['capped'] else 'no'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
