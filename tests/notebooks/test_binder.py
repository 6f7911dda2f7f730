"""Binder: binder/ follows repo2docker's conventions, and what it installs runs the quickstart.

Binder installs what ``./run lab`` installs (``-e .[lab]``), so the slow test starts from the venv
that command builds (``lab_venv``, tests/notebooks/conftest.py; every tutorial is run there by
test_lab_command.py), does what repo2docker does with this folder, ``pip install -r
binder/requirements.txt`` from the repository's root, then executes the quickstart on a kernel of that
venv launched through ``binder/start`` (as Binder launches everything).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"
QUICKSTART = REPO / "notebooks" / "01-quickstart-magics.ipynb"


def lines(name: str) -> list[str]:
    text = (BINDER / name).read_text()
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def test_binder_folder_follows_repo2docker_conventions():
    assert not (REPO / ".binder").exists(), "repo2docker refuses both binder/ and .binder/"
    assert not (BINDER / "Dockerfile").exists(), "a Dockerfile makes repo2docker ignore every other file"
    assert not (BINDER / "environment.yml").exists(), "pick one of environment.yml and requirements.txt"
    # with a binder/ folder the package is not installed by itself: requirements.txt must install it
    assert any(re.fullmatch(r"-e \.(\[[\w,]+\])?", ln) for ln in lines("requirements.txt"))
    assert lines("requirements.txt") == ["-e .[lab]"], "Binder must install what ./run lab installs"
    assert "graphviz" in lines("apt.txt"), "apt.txt must provide the dot binary"
    assert re.fullmatch(r"python-3\.(1[0-4])", lines("runtime.txt")[0])
    start = BINDER / "start"
    assert os.access(start, os.X_OK), "binder/start must be executable"
    assert lines("start")[-1] == 'exec "$@"', "binder/start must end by running its arguments"


def test_start_selects_the_embedded_store(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LINEAGE_MAGICS_URL"}
    env["HOME"] = str(tmp_path)
    out = subprocess.run(
        [str(BINDER / "start"), sys.executable, "-c", "import os; print(os.environ['LINEAGE_MAGICS_URL'])"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out.startswith(("sqlite:///", "memory://")), out
    assert str(tmp_path) in out, "the Binder store lives in the user's home"


def kernel_through_start(kernels: Path, python: Path) -> str:
    """A kernelspec whose kernel is ``binder/start PYTHON -m ipykernel_launcher``."""
    spec = kernels / "binder-venv"
    spec.mkdir(parents=True)
    argv = [str(BINDER / "start"), str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Binder venv", "language": "python"})
    )
    return spec.name


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_binder_requirements_install_and_run_the_quickstart_through_start(lab_venv, tmp_path):
    python = lab_venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", str(BINDER / "requirements.txt")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    check = subprocess.run(
        [str(python), "-c", "import lineage_magics, ipykernel, jupyterlab, ipywidgets, graphviz"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert shutil.which("dot"), "graphviz's dot (binder/apt.txt) is missing on this machine"

    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(QUICKSTART, work)
    nb = nbformat.read(work / QUICKSTART.name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    kernels = tmp_path / "kernels"
    name = kernel_through_start(kernels, python)
    km = KernelManager(kernel_name=name, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINEAGE_", "PYTHON"))}
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    client = NotebookClient(nb, km=km, timeout=300, resources={"metadata": {"path": str(work)}})
    client.execute(env=env)

    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    svgs = [o.data["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 2 and all("<svg" in s for s in svgs), (
        "the context and the trace did not render as SVG"
    )
    drawn = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert all("image/png" in o.data for o in drawn), "a graph without its PNG (what untrusted viewers show)"
    assert (work / ".lineage" / "quickstart.db").exists(), "the notebook used a store other than its own"
    stores = list((tmp_path / "home").rglob("*.db"))
    assert not stores, f"the quickstart touched the default store: {stores}"
