"""The magics on other backends: a SQLite file shared by two shells, and `lineage serve` over HTTP."""

from __future__ import annotations

import pytest

from .conftest import MNIST_CELL, client_of, make_shell, ok, pairs, run


@pytest.fixture
def server(servers):
    """A real `lineage serve --memory` subprocess on a free port; its host:port."""
    return servers().url.removeprefix("http://")


def test_http_backend_with_credentials_in_url(ip, server):
    ok(ip, f"%lineage use http://ann:s3cret@{server}")
    ok(ip, MNIST_CELL)
    assert ("model-build-step", "mnist-model", "Produced") in pairs(client_of(ip))
    out = ok(ip, "%lineage status")
    assert f"http://{server}" in out.stdout and "s3cret" not in out.stdout and "ann" not in out.stdout
    assert "SageMaker-compatible HTTP endpoint" in out.stdout
    assert "associations  7" in out.stdout


def test_two_shells_share_a_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    one, two = make_shell(url), make_shell(url)
    ok(one, MNIST_CELL)
    graph = two.run_line_magic("lineage", "trace mnist-model --direction up")
    assert "model-build-step" in {v.name for v in graph.vertices}
    ok(two, "%lineage cleanup mnist-workflow")
    assert len(client_of(one).list("contexts")) == 0


def test_default_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LINEAGE_MAGICS_URL", f"sqlite:///{tmp_path / 'env.db'}")
    shell = make_shell("")
    ok(shell, "%lineage create context from-env T")
    assert (tmp_path / "env.db").exists()
    assert f"sqlite:///{tmp_path / 'env.db'}" in ok(shell, "%lineage status").stdout


def test_default_store_without_configuration(monkeypatch, tmp_path):
    monkeypatch.delenv("LINEAGE_MAGICS_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    shell = make_shell("")
    ok(shell, "%lineage create context in-home T")
    assert (tmp_path / ".lineage_magics" / "lineage.db").exists()


def test_missing_dot_is_one_line_and_a_text_fallback(mnist, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    out = run(mnist, f"%lineage export mnist-model --format png --out {tmp_path / 'g.png'}")
    text = (out.stdout + out.stderr).strip()
    assert out.error is not None and "\n" not in text and "Graphviz `dot` not found" in text
    bundle, _ = mnist.display_formatter.format(mnist.run_line_magic("lineage", "trace mnist-model"))
    assert "image/svg+xml" not in bundle and bundle["text/plain"].startswith("Graphviz `dot` not found")
