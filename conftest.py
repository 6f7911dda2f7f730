"""The same machine for every test: what differs between machines, and shows in outputs, is fixed here.

Set once before any test is collected, so the test process and every kernel, server and tool the
tests start see it:

- ``TZ=UTC`` and ``LC_ALL=C.UTF-8``: times and messages as on CI.
- ``COLUMNS=80``, ``LINES=24``: argparse (the magics' help) and other text wrap to the terminal's width.
- The user's AWS set-up is not read: every ``AWS_*`` variable is removed, ``AWS_CONFIG_FILE`` and
  ``AWS_SHARED_CREDENTIALS_FILE`` name files that do not exist, and boto3 does not ask an EC2
  instance's metadata service for credentials (tutorial 6 says whether it found any).
- The user's lineage settings (``LINEAGE_MAGICS_URL``, ``LINEAGE_SERVE_ACCESS_KEYS``) are removed.
- IPython's and Jupyter's configuration folders are empty ones (a profile's startup files run in every
  kernel, a Jupyter config can change a server).

Fonts are not fixed: graphs are compared without their geometry (``notebooks/conftest.py``), and
``tests/notebooks/test_graph_outputs.py`` runs the tutorials under another font configuration.
``HOME`` is kept: pip's and npm's caches and configuration live there, and tests that install
packages need them; tests that must not touch the home folder point ``HOME`` elsewhere themselves.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

FIXED = {
    "TZ": "UTC",
    "LC_ALL": "C.UTF-8",
    "LANG": "C.UTF-8",
    "COLUMNS": "80",
    "LINES": "24",
    "AWS_EC2_METADATA_DISABLED": "true",
}
REMOVED_PREFIXES = ("AWS_", "LINEAGE_MAGICS_", "LINEAGE_SERVE_", "LANGUAGE")


def pytest_configure(config):
    settings = Path(tempfile.mkdtemp(prefix="lineage-magics-test-settings-"))
    # removed at exit, after IPython's own exit handlers (registered later, run earlier) have
    # written the history of the shells the tests made there
    atexit.register(shutil.rmtree, settings, ignore_errors=True)
    for name in [n for n in os.environ if n.startswith(REMOVED_PREFIXES)]:
        del os.environ[name]
    os.environ.update(
        FIXED,
        AWS_CONFIG_FILE=str(settings / "aws-config-absent"),
        AWS_SHARED_CREDENTIALS_FILE=str(settings / "aws-credentials-absent"),
        IPYTHONDIR=str(settings / "ipython"),
        JUPYTER_CONFIG_DIR=str(settings / "jupyter"),
    )
    time.tzset()
