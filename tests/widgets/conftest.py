"""Fixtures for the headless form tests: a real LineageClient on a fresh SQLite store."""

from __future__ import annotations

import pytest


@pytest.fixture
def store_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def client(store_url):
    """The client the forms use."""
    from lineage_magics import LineageClient

    return LineageClient(store_url, progress=False)


@pytest.fixture
def reader(store_url):
    """A second, independent client on the same store, to check what really got written."""
    from lineage_magics import LineageClient

    return LineageClient(store_url, progress=False)


def seed_wide(client) -> None:
    """A context, 3 steps, 100 artifacts produced by each: 304 vertices, more than the 150 drawn
    (the graph widget's "+K more" tests, here and in the browser)."""
    ctx = client.create_context("wide", "Workflow")
    for s in range(3):
        step = client.create_action(f"step-{s}", "Step")
        client.associate(ctx, step, "AssociatedWith")
        for i in range(100):
            art = client.create_artifact(f"s3://b/s{s}/a{i}", "DataSet", f"s{s}-a{i}")
            client.associate(step, art, "Produced")
