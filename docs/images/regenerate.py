"""Regenerate the README pictures: ``.venv/bin/python docs/images/regenerate.py`` (needs ``dot``)."""

from __future__ import annotations

from pathlib import Path

from lineage_magics.render.graphviz import render
from lineage_magics.render.samples import job_graph, mnist_workflow

HERE = Path(__file__).resolve().parent


def main() -> None:
    mnist = mnist_workflow()
    render(mnist, HERE / "mnist-lineage.svg")
    render(mnist, HERE / "mnist-lineage.png", dpi=144)
    # Traced from an endpoint, capped harder than the default (150) so it stays readable in a README.
    render(job_graph(300, start="endpoint-3"), HERE / "capped-300.png", max_vertices=60, dpi=96)
    for name in ("mnist-lineage.svg", "mnist-lineage.png", "capped-300.png"):
        print(HERE / name)


if __name__ == "__main__":
    main()
