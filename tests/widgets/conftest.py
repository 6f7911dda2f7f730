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
