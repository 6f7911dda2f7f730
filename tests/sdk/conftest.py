"""Fixtures for the SageMaker SDK checks: a real ``lineage serve`` process and the documented code."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

pytest.importorskip("sagemaker.core.lineage")


@pytest.fixture
def server(servers):
    """``lineage serve --memory`` on a free port."""
    running = servers()
    yield running
    assert running.stop()[0] == 0


@pytest.fixture(scope="session")
def documented():
    """The documentation's V3 code blocks: ``{"BUILD": [...], "CLEANUP": [...]}``."""
    return runpy.run_path(str(Path(__file__).with_name("documented_v3.py")))
