"""``lab_venv``: the environment the README's first command builds, built by that command.

``LINEAGE_VENV=.venv-lab ./run lab --version`` runs ``run``'s own set-up (a venv, then
``pip install -e .[lab]``, nothing else) and exits at once. Binder installs the same thing
(``binder/requirements.txt`` is ``-e .[lab]``; ``test_binder.py`` holds it to that). The venv is kept
between runs under ``.venv-lab/`` and rebuilt from nothing whenever ``pyproject.toml``, ``run`` or
``binder/requirements.txt`` change, so that a dependency dropped from the ``lab`` extra is not still
found in a venv that an older version of them built.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAB_VENV = REPO / ".venv-lab"
KEYED = ("pyproject.toml", "run", "binder/requirements.txt")


def lab_key() -> str:
    digest = hashlib.sha256()
    for name in KEYED:
        digest.update(name.encode() + b"\0" + (REPO / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def env_outside() -> dict[str, str]:
    """The tests' environment without what would point another Python at the venv running them."""
    return {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}


@pytest.fixture(scope="session")
def lab_venv() -> Path:
    key, stamp = lab_key(), LAB_VENV / "lineage-magics-key"
    if not (stamp.exists() and stamp.read_text() == key):
        shutil.rmtree(LAB_VENV, ignore_errors=True)
    built = subprocess.run(
        ["./run", "lab", "--version"],
        cwd=REPO,
        env={**env_outside(), "LINEAGE_VENV": str(LAB_VENV)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert built.returncode == 0, f"./run lab could not set up {LAB_VENV}:\n{built.stderr[-3000:]}"
    stamp.write_text(key)
    return LAB_VENV
