"""A real IPython InteractiveShell with %lineage loaded on a fresh in-memory store, per test."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config


class Run:
    """The outcome of one cell: ExecutionResult, captured stdout/stderr/rich outputs."""

    def __init__(self, result, captured):
        self.result = result
        self.stdout = captured.stdout
        self.stderr = captured.stderr
        self.outputs = captured.outputs

    @property
    def error(self):
        return self.result.error_before_exec or self.result.error_in_exec

    @property
    def value(self):
        return self.result.result

    def __repr__(self):
        return f"<Run error={self.error!r} stdout={self.stdout!r} stderr={self.stderr!r}>"


def make_shell(url: str = "memory://") -> InteractiveShell:
    config = Config()
    config.HistoryAccessor.enabled = False
    config.LineageMagics.url = url
    config.LineageMagics.progress = False
    shell = InteractiveShell(config=config)
    shell.displayhook.flush = lambda: None
    shell.run_line_magic("load_ext", "lineage_magics")
    return shell


@pytest.fixture
def ip(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("LINEAGE_MAGICS_URL", raising=False)
    shell = make_shell()
    yield shell
    shell.run_line_magic("unload_ext", "lineage_magics")


def run(shell: InteractiveShell, source: str) -> Run:
    """Run ``source`` as a cell (no history), capturing what it prints and displays."""
    with capture_output() as captured:
        result = shell.run_cell(source, store_history=False)
    return Run(result, captured)


def ok(shell: InteractiveShell, source: str) -> Run:
    """Run a cell that must succeed."""
    outcome = run(shell, source)
    assert outcome.error is None, outcome
    return outcome


def client_of(shell: InteractiveShell):
    """The LineageClient behind the shell's %lineage."""
    return shell.magics_manager.registry["LineageMagics"].client


# The body of the README's MNIST cell (the DSL alone), and the whole cell.
MNIST_BODY = """# one declaration a line; shell-style quoting; key=value pairs are properties
property example=true
artifact mnist-test-images  TestData   https://example.com/t10k-images-idx3-ubyte.gz
artifact mnist-test-labels  TestLabels https://example.com/t10k-labels-idx1-ubyte.gz
action   model-build-step   ModelBuild status=Completed Example=Metadata
artifact mnist-model        Model      s3://bucket/model.tar.gz
mnist-test-images -> model-build-step
mnist-test-labels -> model-build-step
model-build-step -> mnist-model Produced
"""
MNIST_CELL = (
    "%%lineage context mnist-workflow --type MLWorkflow --source-uri 1700000000 -o applied\n" + MNIST_BODY
)


# Every association MNIST_CELL makes: (source label, destination label, type).
MNIST_PAIRS = {
    ("mnist-workflow", "mnist-test-images", "AssociatedWith"),
    ("mnist-workflow", "mnist-test-labels", "AssociatedWith"),
    ("mnist-workflow", "model-build-step", "AssociatedWith"),
    ("mnist-workflow", "mnist-model", "AssociatedWith"),
    ("mnist-test-images", "model-build-step", "ContributedTo"),
    ("mnist-test-labels", "model-build-step", "ContributedTo"),
    ("model-build-step", "mnist-model", "Produced"),
}


@pytest.fixture
def mnist(ip):
    """The shell with the README's MNIST workflow applied through %%lineage context."""
    ok(ip, MNIST_CELL)
    return ip


def formatted(shell: InteractiveShell, obj) -> dict:
    """The mime bundle IPython's display formatter makes of ``obj``."""
    data, _ = shell.display_formatter.format(obj)
    return data


def pairs(client) -> set[tuple[str, str, str]]:
    """Every association in the store as (source label, destination label, type)."""
    return {(a.source_label, a.destination_label, a.type) for a in client.list("associations")}


def arn_pairs(client) -> set[tuple[str, str, str]]:
    """Every association in the store as (source ARN, destination ARN, type)."""
    return {(a.source_arn, a.destination_arn, a.type) for a in client.list("associations")}
