"""Fixtures of the rendering tests; helpers live in render_helpers.py (importable from the tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lineage_magics.graph import LineageGraph  # noqa: E402
from lineage_magics.render.samples import job_graph, mnist_workflow  # noqa: E402

collect_ignore_glob = ["node_modules/*"]


@pytest.fixture
def mnist() -> LineageGraph:
    """The 12-vertex MNIST workflow, traced from its context."""
    return mnist_workflow()


@pytest.fixture
def big() -> LineageGraph:
    """300 vertices shaped like SageMaker job lineage."""
    return job_graph(300)
