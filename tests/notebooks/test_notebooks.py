"""The tutorials as committed: executed in order, without errors, each on its own fresh store.

nbval (``notebooks/conftest.py``) re-runs them and compares outputs; these checks cover what nbval
cannot see: cells never executed are never compared, and a notebook that reads the user's default
store would pass here and fail on another machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import get_sanitize_patterns

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TUTORIALS = (
    "01-quickstart-magics.ipynb",
    "02-sagemaker-sdk-v3.ipynb",
    "03-python-api.ipynb",
    "04-widgets.ipynb",
    "05-tracking-real-work.ipynb",
    "06-going-to-sagemaker.ipynb",
    "07-experiments.ipynb",
)
# a store chosen explicitly: a file under ./.lineage/ (deleted first), memory://, or lineage serve --memory
FRESH_STORE = re.compile(
    r"%lineage use (sqlite:///\./\.lineage/[\w.-]+\.db|memory://)"
    r"|LineageClient\(\"sqlite:///\./\.lineage/[\w.-]+\.db\""
    r"|\"serve\", \"--memory\""
)
USES_STORE = re.compile(r"%%?lineage (?!use\b)\w+|LineageClient\(|lineage_magics\.connect\(")


def load(name: str):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_seven_tutorials_are_there():
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == sorted(TUTORIALS)


@pytest.mark.parametrize("name", TUTORIALS)
def test_committed_executed_in_order_without_errors(name):
    nb = load(name)
    nbformat.validate(nb)
    cells = code_cells(nb)
    assert cells, f"{name} has no code cells"
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{name}: run it top to bottom in a fresh kernel"
    errors = [o for c in cells for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
    assert nb.metadata.kernelspec.name == "python3"
    assert "widgets" not in nb.metadata, f"{name}: strip the saved widget state"
    live = [
        o for c in cells for o in c.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert not live, (
        f"{name}: a saved widget view shows an error before running: tests/notebooks/refresh_tutorials.py"
    )


@pytest.mark.parametrize("name", TUTORIALS)
def test_each_notebook_picks_a_fresh_store_before_using_one(name):
    source = "\n".join(c.source for c in code_cells(load(name)))
    chosen = FRESH_STORE.search(source)
    assert chosen, f"{name} never chooses its own store"
    used = USES_STORE.search(source)
    assert used is None or chosen.start() <= used.start(), f"{name} uses a store before choosing one"
    assert "~/.lineage_magics" not in source and "lineage_magics/lineage.db" not in source


@pytest.mark.parametrize("name", TUTORIALS)
def test_no_output_leaks_a_home_or_an_absolute_path(name):
    text = "\n".join(
        str(value)
        for c in code_cells(load(name))
        for o in c.outputs
        for value in ([o.get("text", "")] + list(o.get("data", {}).values()))
    )
    assert str(Path.home()) + "/" not in text
    assert str(NOTEBOOKS) not in text.replace("file://" + str(NOTEBOOKS), "")


def test_graph_cells_are_inline_svg():
    outputs = [o for c in code_cells(load("01-quickstart-magics.ipynb")) for o in c.outputs]
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert svgs and all("<svg" in o.data["image/svg+xml"] for o in svgs)


def sanitizer():
    patterns = get_sanitize_patterns((NOTEBOOKS / "nbval-sanitize.cfg").read_text())

    def clean(text: str) -> str:
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    return patterns, clean


def test_sanitize_file_parses_and_compiles():
    patterns, _ = sanitizer()
    assert len(patterns) >= 10
    for regex, _replace in patterns:
        re.compile(regex)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "arn:aws:sagemaker:us-east-1:000000000000:artifact/84abf65d736208bac9938972ecfc386a",
            "arn:aws:sagemaker:us-east-1:123456789012:artifact/0123456789abcdef0123456789abcdef",
        ),
        ("created 2026-11-25 20:41:35", "created 2027-01-02 03:04:05"),
        ("'start_time': '2026-11-25T20:48:21.993+00:00'", "'start_time': '2025-01-01T00:00:00.000+00:00'"),
        ("<Session object at 0x7f4a5505a690>", "<Session object at 0x7f0000000001>"),
        ("'RequestId': '8816fbbe-a052-4a80-b741-09c0b57783aa'", "'RequestId': '00000000-0000-4000-8000-000000000000'"),
        ("'RequestId': '93d5d84f-08e4-4849-958a-e1795639367f'", "'RequestId': '00000000-0000-4000-8000-000000000000'"),
        ("machine-learning-workflow-1795639367", "machine-learning-workflow-1700000001"),
        ("using http://127.0.0.1:45139 (HTTP endpoint)", "using http://127.0.0.1:8700 (HTTP endpoint)"),
        ("'date': 'Wed, 25 Nov 2026 20:42:49 GMT'", "'date': 'Thu, 01 Jan 2026 00:00:00 GMT'"),
        ("'duration_seconds': '0.027'", "'duration_seconds': '12.500'"),
        ("file:///work/main/notebooks/.lineage/x.csv", "file:///home/jovyan/repo/notebooks/.lineage/x.csv"),
    ],
)  # fmt: skip
def test_sanitize_makes_volatile_values_equal(a, b):
    _, clean = sanitizer()
    assert a != b
    assert clean(a) == clean(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("context/mnist-workflow", "context/mnist-workflows"),
        ("5 created, 7 linked", "5 created, 6 linked"),
        ("training RMSE 15.0k", "training RMSE 15.1k"),
        ("arn:aws:sagemaker:us-east-1:000000000000:action/train", "arn:aws:sagemaker:us-east-1:000000000000:action/tune"),
    ],
)  # fmt: skip
def test_sanitize_keeps_real_differences(a, b):
    _, clean = sanitizer()
    assert clean(a) != clean(b)


def test_readme_introduces_every_tutorial():
    readme = (NOTEBOOKS / "README.md").read_text()
    for name in TUTORIALS:
        assert name in readme, f"notebooks/README.md does not mention {name}"
