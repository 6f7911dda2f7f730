"""The README's main command: ``./run lab`` brings up JupyterLab on the tutorials, and they run there.

The server is started exactly as the README says (plus headless options), with ``LINEAGE_VENV``
pointing at the environment running these tests so that ``run`` reuses it instead of building a
new one. The quickstart is then opened as Lab opens it (a session on the notebook) and every code
cell executed on that session's kernel.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from jupyter_client import BlockingKernelClient

from .conftest import env_outside

REPO = Path(__file__).resolve().parents[2]
TUTORIALS = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
QUICKSTART = "01-quickstart-magics.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server answering on 127.0.0.1:port with a token."""

    def __init__(self, port: int, token: str, process: subprocess.Popen, log: Path):
        self.port, self.token, self.process, self.log = port, token, process, log

    def fetch(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, b""

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        status, raw = self.fetch(method, path, body)
        return status, json.loads(raw) if raw else {}

    def wait_until_up(self, deadline: float) -> dict:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"./run lab exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}"
                )
            try:
                status, body = self.request("GET", "/api/status")
                if status == 200:
                    return body
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(1)
        pytest.fail(f"JupyterLab did not answer on port {self.port}:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


@pytest.fixture
def lab(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        LINEAGE_VENV=sys.prefix,  # reuse the environment running the tests (run only reinstalls the package)
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["./run", "lab", "--no-browser", f"--port={port}", f"--ServerApp.token={token}"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: pip, then jupyter and its kernels
        )
    server = Lab(port, token, process, log)
    try:
        yield server
    finally:
        server.stop()


def run_cells(connection_file: Path, cells: list) -> list[dict]:
    """Execute the cells on the kernel of ``connection_file``; the output messages' contents."""
    kc = BlockingKernelClient(connection_file=str(connection_file))
    kc.load_connection_file()
    kc.start_channels()
    outputs: list[dict] = []
    try:
        kc.wait_for_ready(timeout=120)
        for cell in cells:

            def keep(msg, cell=cell):
                if msg["msg_type"] in ("stream", "display_data", "execute_result", "error"):
                    outputs.append(dict(msg["content"], msg_type=msg["msg_type"], source=cell.source))

            reply = kc.execute_interactive(cell.source, timeout=180, output_hook=keep, allow_stdin=False)
            assert reply["content"]["status"] == "ok", f"{cell.source.splitlines()[0]}: {reply['content']}"
    finally:
        kc.stop_channels()
    return outputs


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_run_lab_serves_the_tutorials_and_runs_the_quickstart(lab, tmp_path):
    status = lab.wait_until_up(time.monotonic() + 600)
    assert "started" in status
    said = "running as root: starting JupyterLab with --allow-root"
    assert (said in lab.log.read_text()) == (os.geteuid() == 0), lab.log.read_text()[-3000:]

    code, page = lab.fetch("GET", f"/lab/tree/{QUICKSTART}")  # the page a browser opens
    assert code == 200
    assert b"jupyter-config-data" in page and QUICKSTART.encode() in page, page[:2000]

    code, listing = lab.request("GET", "/api/contents")
    assert code == 200
    served = {item["name"]: item["type"] for item in listing["content"]}
    assert len(TUTORIALS) == 7
    for name in TUTORIALS:
        assert served.get(name) == "notebook", f"{name} is not served: {sorted(served)}"

    code, model = lab.request("GET", f"/api/contents/{QUICKSTART}")
    assert code == 200 and model["type"] == "notebook"
    nb = nbformat.from_dict(model["content"])
    cells = [c for c in nb.cells if c.cell_type == "code"]

    code, session = lab.request(
        "POST",
        "/api/sessions",
        {"path": QUICKSTART, "name": QUICKSTART, "type": "notebook", "kernel": {"name": "python3"}},
    )
    assert code == 201, session
    kernel_id = session["kernel"]["id"]
    connection_file = tmp_path / "runtime" / f"kernel-{kernel_id}.json"
    assert connection_file.exists(), f"no connection file for kernel {kernel_id}"
    try:
        outputs = run_cells(connection_file, cells)
    finally:
        lab.request("DELETE", f"/api/sessions/{session['id']}")

    assert not [o for o in outputs if o["msg_type"] == "error"]
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert svgs, "no cell showed an SVG graph"
    assert all(o["data"]["image/svg+xml"].lstrip().startswith(("<?xml", "<svg", "<!--")) for o in svgs)
    assert any("%lineage trace" in o["source"] for o in svgs)


def output_kinds(nb) -> list[set[str]]:
    """Per code cell, what it showed: MIME types, ``stream:stdout``/``stream:stderr``, ``error``."""

    def kinds(output) -> set[str]:
        if "data" in output:  # a live widget's view is not kept in the committed notebooks (its picture is)
            return set(output.data) - {"application/vnd.jupyter.widget-view+json"}
        return {f"stream:{output.name}" if output.output_type == "stream" else output.output_type}

    return [set().union(*map(kinds, c.outputs)) for c in nb.cells if c.cell_type == "code"]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_every_tutorial_runs_top_to_bottom_in_the_environment_run_lab_builds(lab_venv, tmp_path):
    """Restart and run all, for each tutorial, on a kernel of the ``./run lab`` (and Binder) venv."""
    check = subprocess.run([str(lab_venv / "bin" / "python"), "-c", "import nbval"], capture_output=True)
    assert check.returncode != 0, "the venv has the test extras: it is not the one ./run lab builds"

    work, executed = tmp_path / "notebooks", tmp_path / "executed"
    work.mkdir()
    committed = {name: nbformat.read(REPO / "notebooks" / name, as_version=4) for name in TUTORIALS}
    for name, nb in committed.items():
        blank = nbformat.from_dict(nb)
        for cell in blank.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(blank, work / name)
    run = subprocess.run(
        [
            str(lab_venv / "bin" / "jupyter"),
            "nbconvert",
            "--to=notebook",
            "--execute",
            "--ExecutePreprocessor.kernel_name=python3",
            "--ExecutePreprocessor.timeout=600",
            "--ExecutePreprocessor.store_widget_state=False",
            f"--output-dir={executed}",
            *TUTORIALS,
        ],
        cwd=work,
        env=env_outside(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert run.returncode == 0, run.stderr[-5000:]

    for name in TUTORIALS:
        nb = nbformat.read(executed / name, as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code"]
        assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), name
        errors = [o for c in cells for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
        # the same kinds of output as the committed notebook (made with the test extras): an SVG,
        # a table, no stderr where there was none
        assert output_kinds(nb) == output_kinds(committed[name]), name
