"""Re-execute tutorials and save them as they are committed: ``python tests/notebooks/refresh_tutorials.py [NB ...]``.

Each notebook (default: every ``notebooks/*.ipynb``) is run top to bottom in ``notebooks/`` on the
``python3`` kernel, then saved without what would not show, or would not be the same, on another
machine: the saved widget state, each cell's execution timings, and the live widget views of outputs
(``application/vnd.jupyter.widget-view+json``), whose static picture (SVG, PNG, HTML, text) stays. A
saved widget view without its state shows "Error displaying widget: model not found" in JupyterLab; the
static picture shows everywhere (JupyterLab before running, GitHub, nbconvert). Then check with
``pytest notebooks tests/notebooks/test_notebooks.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def strip(nb) -> None:
    """Drop widget state, execution timings and live widget views (keeping each output's static picture)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            data = output.get("data")
            if data is not None and WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                if not data:
                    continue
            kept.append(output)
        cell.outputs = kept


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    strip(nb)
    nbformat.write(nb, path)


if __name__ == "__main__":
    names = sys.argv[1:] or sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    for name in names:
        print(f"refreshing {name}", flush=True)
        refresh(NOTEBOOKS / Path(name).name)
