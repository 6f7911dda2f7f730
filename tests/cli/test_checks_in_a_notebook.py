"""The checks the command exits 1 on fail a notebook cell in one line, as the same verbs in %lineage."""

from __future__ import annotations

import pytest
from IPython.utils.capture import capture_output

from lineage_magics import LineageClient
from lineage_magics.errors import LineageError

from ..magics.conftest import make_shell
from .conftest import WORKFLOW, run_command

BODY = WORKFLOW.split("\n", 1)[1]


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    ip = make_shell(f"sqlite:///{tmp_path}/lineage.db")
    with capture_output():
        assert ip.run_cell(f"%%lineage context mnist-workflow -o applied\n{BODY}").success
    yield ip
    ip.run_line_magic("unload_ext", "lineage_magics")


def _error(ip, source: str):
    with capture_output() as captured:
        result = ip.run_cell(source, store_history=False)
    return result.error_in_exec, captured.stdout


def test_require_type_fails_the_cell(shell):
    error, _ = _error(shell, "%lineage trace mnist-model --direction up --require-type DataSet")
    assert (
        isinstance(error, LineageError) and str(error) == "no DataSet upstream of mnist-model within 3 hops"
    )
    error, _ = _error(shell, "%lineage trace mnist-model --direction up --require-type TestData -o g")
    assert error is None and len(shell.user_ns["g"].vertices) == 5


def test_context_check_and_diff_check(shell):
    error, _ = _error(shell, f"%%lineage context mnist-workflow --check\n{BODY}")
    assert error is None
    error, _ = _error(
        shell, f"%%lineage context mnist-workflow --check\n{BODY}artifact extra T s3://b/extra\n"
    )
    assert isinstance(error, LineageError) and "would change: 1 created, 1 linked" in str(error)
    assert "extra" not in {e.name for e in LineageClient(shell.magics_manager.registry["LineageMagics"].url)
                            .list("artifacts")}  # fmt: skip
    error, _ = _error(shell, "%lineage diff mnist-workflow mnist-workflow --check")
    assert error is None


def test_a_list_cut_by_the_default_limit_says_so(tmp_path):
    url = f"sqlite:///{tmp_path}/many.db"
    client = LineageClient(url, progress=False)
    for i in range(52):
        client.create_context(f"ctx-{i}", "Workflow")
    done = run_command("list", "contexts", url=url, home=tmp_path, cwd=tmp_path)
    assert done.code == 0 and done.out.rstrip().endswith("(the first 50 contexts; --limit N lists more)")
    done = run_command(
        "list", "contexts", "--limit", "60", "--format", "json", url=url, home=tmp_path, cwd=tmp_path
    )
    assert len(done.json()) == 52
