"""Fixtures for the LineageClient tests: real local services (memory and SQLite files)."""

from __future__ import annotations

from collections import Counter

import pytest

from lineage_magics import crud
from lineage_magics.client import LineageClient


@pytest.fixture
def lc() -> LineageClient:
    """A client on a fresh in-memory store."""
    return LineageClient("memory://", progress=False)


@pytest.fixture
def sqlite_lc(tmp_path) -> LineageClient:
    """A client on a fresh SQLite file."""
    return LineageClient(f"sqlite:///{tmp_path / 'lineage.db'}", progress=False)


@pytest.fixture(params=["memory", "sqlite"])
def any_lc(request, tmp_path) -> LineageClient:
    """Both local backends."""
    if request.param == "memory":
        return LineageClient("memory://", progress=False)
    return LineageClient(f"sqlite:///{tmp_path / 'lineage.db'}", progress=False)


class CallCounter:
    """Counts the API calls a boto3 client makes, by operation name (botocore's before-call event)."""

    def __init__(self, sagemaker):
        self.calls: Counter = Counter()
        self.errors: Counter = Counter()
        self._client = sagemaker
        sagemaker.meta.events.register_first("before-call.sagemaker.*", self._count)
        sagemaker.meta.events.register("after-call.sagemaker.*", self._answer)

    def _count(self, model, **kwargs):
        self.calls[model.name] += 1

    def _answer(self, parsed=None, **kwargs):
        code = (parsed or {}).get("Error", {}).get("Code")
        if code:
            self.errors[code] += 1

    def reset(self) -> None:
        self.calls.clear()
        self.errors.clear()

    def __getitem__(self, op: str) -> int:
        return self.calls[op]

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@pytest.fixture
def counter(lc) -> CallCounter:
    return CallCounter(lc.sagemaker)


def chain(lc: LineageClient, n: int, prefix: str = "n") -> list[str]:
    """A chain of n actions a0 -> a1 -> ... ; returns their ARNs."""
    arns = [crud.create(lc.api, "action", name=f"{prefix}{i}", type="Step") for i in range(n)]
    for a, b in zip(arns, arns[1:], strict=False):
        crud.add_association(lc.api, a, b, "AssociatedWith")
    return arns


@pytest.fixture
def serve(servers):
    """``serve(*flags) -> URL`` of a fresh ``lineage serve --memory`` process (stopped after the test)."""
    return lambda *flags: servers(*flags).url
