"""JupyterLab started by the test, driven in Debian's headless Chromium through Playwright."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "_artifacts"
BIN = Path(sys.executable).parent  # the venv's bin: its jupyter and its python kernel


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its URL, token, root directory and the store its kernels use."""

    url: str
    token: str
    root: Path
    store_url: str
    log: Path

    def api(self, path: str, method: str = "GET", body: dict | None = None) -> bytes:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()

    def start_kernel(self, notebook: str) -> str:
        """Start the notebook's session and kernel before the page opens it (the page then
        connects to a running kernel instead of racing its start-up); returns the kernel id."""
        session = json.loads(
            self.api(
                "/api/sessions",
                "POST",
                {"path": notebook, "name": notebook, "type": "notebook", "kernel": {"name": "python3"}},
            )
        )
        return session["kernel"]["id"]

    def write_notebook(self, name: str, cells: list[str]) -> str:
        nb = {
            "cells": [
                {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
                for src in cells
            ],
            "metadata": {
                "kernelspec": {
                    "name": "python3",
                    "display_name": "Python 3 (ipykernel)",
                    "language": "python",
                }
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (self.root / name).write_text(json.dumps(nb), encoding="utf-8")
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


def _settings(root: Path) -> Path:
    """User settings that keep the page quiet: no news prompt, no update check."""
    settings = root / ".lab-settings"
    apputils = settings / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return settings


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    root = tmp_path_factory.mktemp("lab")
    port, token = _free_port(), secrets.token_hex(16)
    store_url = f"sqlite:///{root / 'store.db'}"
    env = dict(
        os.environ,
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        LINEAGE_MAGICS_URL=store_url,
        JUPYTER_CONFIG_DIR=str(root / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(root / ".runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(_settings(root)),
        IPYTHONDIR=str(root / ".ipython"),
    )
    log = root / "jupyter.log"
    cmd = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--port",
        str(port),
        f"--ServerApp.token={token}",
        "--allow-root",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, root, store_url, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
            try:
                json.loads(server.api("/api/status"))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not answer:\n{log.read_text()[-2000:]}") from None
                time.sleep(0.25)
        yield server
    finally:
        _stop(proc, server)


def _stop(proc: subprocess.Popen, server: Lab) -> None:
    """Shut the kernels down through the API, then end the server's process group."""
    try:
        for kernel in json.loads(server.api("/api/kernels")):
            server.api(f"/api/kernels/{kernel['id']}", method="DELETE")
    except OSError:
        pass
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # each kernel round trip is quick, but the machine is shared

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def page(browser, request):
    """A fresh page; on failure its screenshot is saved as tests/_artifacts/NAME-FAILED.png."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        if getattr(request.node, "failed_call", False):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            stem = re.sub(r"\W+", "-", request.node.name).strip("-")
            pg.screenshot(path=str(ARTIFACTS / f"{stem}-FAILED.png"))
        context.close()


@pytest.fixture
def shots(request):
    """``shots(page_or_locator, name)`` saves a screenshot under tests/_artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"\W+", "-", request.node.name).strip("-")

    def shot(target, name: str) -> Path:
        path = ARTIFACTS / f"{stem}-{name}.png"
        target.screenshot(path=str(path))
        return path

    return shot
