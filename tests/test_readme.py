"""The README's examples run as written (on a fresh store in place of the default one)."""

from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks() -> list[tuple[str, str]]:
    """``(language, text)`` of each fenced block."""
    blocks, language, lines = [], None, []
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            if language is None:
                language, lines = line[3:].strip(), []
            else:
                blocks.append((language, "\n".join(lines) + "\n"))
                language = None
        elif language is not None:
            lines.append(line)
    return blocks


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINEAGE_MAGICS_URL", f"sqlite:///{tmp_path}/readme.db")
    InteractiveShell.clear_instance()
    ip = InteractiveShell.instance()
    yield ip
    ip.run_cell("%unload_ext lineage_magics", store_history=False)
    InteractiveShell.clear_instance()


def test_the_magics_example_then_the_python_example(shell, tmp_path):
    blocks = _blocks()
    start = next(i for i, (_, text) in enumerate(blocks) if text.startswith("%load_ext lineage_magics"))
    cells = [text for _, text in blocks[start : start + 3]]
    assert cells[1].startswith("%%lineage context") and cells[2].startswith("%lineage trace"), cells
    for cell in cells[:2]:
        result = shell.run_cell(cell, store_history=False)
        assert result.success, result.error_in_exec or result.error_before_exec

    (api,) = [text for language, text in blocks if language == "python" and "LineageClient(" in text]
    namespace: dict = {}
    exec(compile(api, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    graph = namespace["g"]
    assert {v.name for v in graph.vertices} == {
        "mnist-model", "model-build-step", "mnist-test-images", "mnist-test-labels", "mnist-workflow"
    }  # fmt: skip
    assert (tmp_path / "lineage.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert namespace["events"], "no OpenLineage events"
    imported = namespace["LineageClient"]("memory://elsewhere").list("artifacts")
    assert {e.name for e in imported} == {"mnist-model", "mnist-test-images", "mnist-test-labels"}

    result = shell.run_cell(cells[2], store_history=False)
    assert result.success, result.error_in_exec
    from lineage_magics import LineageClient

    assert len(LineageClient().list("contexts")) == 0  # the cleanup line removed the workflow


def test_the_terminal_commands(tmp_path):
    """The "From a terminal" block, run by bash with the real console script, on the README's own cell."""
    import csv
    import os
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    text = README.read_text()
    section = text.split("## From a terminal", 1)[1].split("\n## ", 1)[0]
    (script,) = [body for language, body in _blocks() if language == "bash" and body in section]
    (cell,) = [body for _, body in _blocks() if body.startswith("%%lineage context")]
    (tmp_path / "workflow.lineage").write_text(cell)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINEAGE_MAGICS_", "AWS_"))}
    env.update(HOME=str(tmp_path), LINEAGE_MAGICS_URL=f"sqlite:///{tmp_path}/readme.db")
    env["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "would create artifact mnist-model (Model)" in done.stdout
    assert "mnist-model [Model · Artifact]  (start)" in done.stdout
    assert ET.parse(tmp_path / "lineage.svg").getroot().tag.endswith("svg")
    rows = list(csv.DictReader((tmp_path / "artifacts.csv").open()))
    assert {r["name"] for r in rows} == {"mnist-test-images", "mnist-test-labels", "mnist-model"}
    assert "cleanup of 'mnist-workflow'" in done.stdout
