"""Graph outputs are compared on what they show, on any machine's fonts (``notebooks/conftest.py``).

``dot`` measures label text with the fonts fontconfig finds for ``Helvetica,Arial,sans-serif``, so the
committed SVG of a tutorial and a fresh one differ in their numbers (``width="725pt"`` against
``"724pt"``) from one machine to the next. These tests run real nbval, in a subprocess, on copies of
the tutorials: with the graph geometry changed the outputs still pass; with a label, a node, an edge,
a colour, a line style or the legend changed, exactly the edited cells fail; and the whole tutorial
suite passes under another font configuration (``FONTCONFIG_FILE``), which is first shown to move
``dot``'s geometry.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from lineage_magics.render.samples import mnist_workflow

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
QUICKSTART = NOTEBOOKS / "01-quickstart-magics.ipynb"
TUTORIALS = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
SUPPORT = ("conftest.py", "nbval-sanitize.cfg")  # what makes plain pytest run the folder through nbval


def load_conftest():
    spec = importlib.util.spec_from_file_location("tutorials_conftest", NOTEBOOKS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- edits of committed outputs --------------------------------------------------------------
def shift_geometry(svg: str) -> str:
    """Every number of every position and size moved and scaled, and one more control point on
    each path: what another machine's fonts (or a layout that routes an edge differently) does."""

    def numbers(value: str) -> str:
        return re.sub(r"-?\d+(?:\.\d+)?", lambda n: f"{float(n.group()) * 1.07 + 3:.2f}", value)

    def attribute(m: re.Match) -> str:
        name, value = m.groups()
        value = numbers(value)
        if name == "d":
            value += " " + " ".join(value.split()[-1:] * 3)  # a longer spline
        return f' {name}="{value}"'

    shifted, n = re.subn(r' (width|height|viewBox|transform|x|y|points|d)="([^"]*)"', attribute, svg)
    assert n > 50, "the graph has no geometry to shift"
    return shifted


def edit_once(text: str, pattern: str, replace: str) -> str:
    edited, n = re.subn(pattern, replace, text, count=1, flags=re.DOTALL)
    assert n == 1 and edited != text, f"no match for {pattern!r}"
    return edited


# what a reader would call a different graph: each must fail its cell
MEANINGFUL_EDITS = {
    "node label": (r">mnist&#45;model</text>", ">mnist&#45;modle</text>"),
    "edge label": (r'(text-anchor="middle"[^>]*>)Produced</text>', r"\1DerivedFrom</text>"),
    "node colour": (r'<path fill="#88c396"', '<path fill="#ff9900"'),
    "edge line style": (r'(<path fill="none" stroke="#7d8998") stroke-dasharray="5,2"', r"\1"),
    "legend": (r">╍╍▶ AssociatedWith</text>", ">━━▶ AssociatedWith</text>"),
    "node removed": (r'<!-- n3 -->\n<g id="node\d+" class="node[^"]*">.*?</a>\n</g>\n</g>\n', ""),
    "edge removed": (r'<!-- n1&#45;&gt;n0 -->\n<g id="edge\d+" class="edge">.*?\n</g>\n(?=<!--)', ""),
}


def quickstart_copy(context_edit=None, trace_edits=()) -> nbformat.NotebookNode:
    """The quickstart up to its first trace: set-up, status, the context cell (its graph an image output),
    then the trace cell (a graph in image/svg+xml) once per edit; ``None`` leaves a copy as committed."""
    nb = nbformat.read(QUICKSTART, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup, context, trace = code[:2], code[2], code[4]
    assert context.source.startswith("%%lineage context") and trace.source.startswith("%lineage trace")
    graph = context.outputs[1].data  # the summary, then the graph as an image of its own
    if context_edit:
        graph["image/svg+xml"] = context_edit(graph["image/svg+xml"])
    traces = []
    for number, edit in enumerate(trace_edits):
        cell = nbformat.from_dict(dict(trace, id=f"{trace.id}-{number}"))
        cell.outputs = [nbformat.from_dict(dict(o, data=dict(o.data))) for o in trace.outputs]
        if edit:
            data = cell.outputs[0].data
            data["image/svg+xml"] = edit(data["image/svg+xml"])
        traces.append(cell)
    nb.cells = [*setup, context, *traces]
    for number, cell in enumerate(nb.cells, 1):
        cell.execution_count = number
        for output in cell.outputs:
            if "execution_count" in output:
                output.execution_count = number
    return nb


def tutorials_folder(tmp_path: Path, notebooks: dict[str, nbformat.NotebookNode], copy=()) -> Path:
    """A folder named like the repository's (the sanitize file masks paths up to ``/notebooks/``)
    with the tutorials' conftest and sanitize file, the given notebooks and copies of ``copy``."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in (*SUPPORT, *copy):
        shutil.copy(NOTEBOOKS / name, folder / name)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)
    return folder


def run_nbval(folder: Path, env: dict | None = None) -> dict[str, dict[str, str | None]]:
    """``python -m pytest FOLDER`` as a user would run it (real nbval, its own kernels);
    ``{notebook: {"Cell N": None if passed else the failure text}}``."""
    report = folder.parent / "report.xml"
    (folder.parent / "pytest.ini").write_text("[pytest]\n")  # not the repository's configuration
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}", folder.name],
        cwd=folder.parent,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    outcomes: dict[str, dict[str, str | None]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        problem = case.find("failure") if case.find("failure") is not None else case.find("error")
        notebook = case.get("classname").removeprefix(f"{folder.name}.")
        text = None if problem is None else (problem.get("message") or "") + (problem.text or "")
        assert case.find("skipped") is None, f"{notebook} {case.get('name')} skipped"
        outcomes.setdefault(notebook, {})[case.get("name")] = text
    assert outcomes, result.stdout[-3000:]
    return outcomes


def failed(cells: dict[str, str | None]) -> list[str]:
    return [name for name, problem in cells.items() if problem is not None]


# -- the normaliser itself -------------------------------------------------------------------
def test_geometry_is_masked_and_everything_else_kept():
    normalise = load_conftest().normalise_svg
    svg = shift_geometry(quickstart_copy(trace_edits=[None]).cells[-1].outputs[0].data["image/svg+xml"])
    assert normalise(svg) != svg
    assert 'width="#pt"' in normalise(svg) and 'viewBox="# # # #"' in normalise(svg)
    committed = quickstart_copy(trace_edits=[None]).cells[-1].outputs[0].data["image/svg+xml"]
    assert normalise(svg) == normalise(committed)
    for name, (pattern, replace) in MEANINGFUL_EDITS.items():
        assert normalise(edit_once(committed, pattern, replace)) != normalise(committed), name


def test_only_svg_is_touched():
    tutorials = load_conftest()
    html = '<table width="100"><tr><td x="1">3</td></tr></table><svg width="7pt"><text x="1">a</text></svg>'
    masked = tutorials.SVG_ELEMENT.sub(tutorials.normalise_svg, html)
    assert (
        masked
        == '<table width="100"><tr><td x="1">3</td></tr></table><svg width="#pt"><text x="#">a</text></svg>'
    )


# -- nbval on edited copies ------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_nbval_ignores_geometry_and_catches_every_meaningful_change(tmp_path):
    """One subprocess, two notebooks: the committed graphs and their geometry-shifted copies pass;
    each meaningful edit fails its own cell and no other."""
    edits = list(MEANINGFUL_EDITS.items())
    folder = tutorials_folder(
        tmp_path,
        {
            "geometry.ipynb": quickstart_copy(
                context_edit=shift_geometry, trace_edits=[None, shift_geometry]
            ),
            "meaning.ipynb": quickstart_copy(
                context_edit=lambda svg: edit_once(
                    svg, r">mnist&#45;test&#45;labels</text>", ">mnist&#45;test&#45;label</text>"
                ),
                trace_edits=[None] + [lambda svg, e=e: edit_once(svg, *e) for _, e in edits],
            ),
        },
    )
    outcomes = run_nbval(folder)

    geometry = outcomes["geometry.ipynb"]
    assert len(geometry) == 5 and not failed(geometry), geometry
    meaning = outcomes["meaning.ipynb"]
    # cells: 0 set-up, 1 status, 2 context (label edited in its graph), 3 as committed, 4... the edits
    assert len(meaning) == 4 + len(edits)
    caught = {name: meaning[f"Cell {4 + i}"] is not None for i, (name, _) in enumerate(edits)}
    assert failed(meaning) == ["Cell 2"] + [f"Cell {4 + i}" for i in range(len(edits))], caught
    assert "mismatch 'image/svg+xml'" in meaning["Cell 2"]
    for i in range(len(edits)):
        assert "mismatch 'image/svg+xml'" in meaning[f"Cell {4 + i}"]


# -- another font configuration --------------------------------------------------------------
FALLBACK_FAMILIES = ("DejaVu Sans", "Liberation Sans", "DejaVu Serif", "Liberation Serif", "DejaVu Sans Mono")


def fontconfig_file(folder: Path, family: str) -> Path:
    """A fontconfig file: the machine's own configuration, then Helvetica, Arial and sans-serif
    (the families the graphs ask for) put behind ``family``."""
    rules = "".join(
        f"""
  <match target="pattern">
    <test qual="any" name="family"><string>{asked}</string></test>
    <edit name="family" mode="prepend_first" binding="strong"><string>{family}</string></edit>
  </match>"""
        for asked in ("Helvetica", "Arial", "sans-serif")
    )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{rules}\n</fontconfig>\n"
    )
    return path


def dot_svg(source: str, env: dict | None = None) -> str:
    return subprocess.run(
        ["dot", "-Tsvg"],
        input=source,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def other_fonts(tmp_path):
    """``{"FONTCONFIG_FILE": path}`` for a configuration under which ``dot`` draws the tutorials'
    graph with other geometry: the first installed family that changes it."""
    if not shutil.which("dot"):
        pytest.fail("graphviz's dot is missing: ./run tests installs it (apt-get install graphviz)")
    source = mnist_workflow().to_dot().source
    here = dot_svg(source)
    assert "Helvetica,Arial,sans-serif" in source
    for family in FALLBACK_FAMILIES:
        folder = tmp_path / "fonts" / family.replace(" ", "-")
        folder.mkdir(parents=True)
        env = {"FONTCONFIG_FILE": str(fontconfig_file(folder, family))}
        there = dot_svg(source, env)
        if there != here:
            normalise = load_conftest().normalise_svg
            assert re.search(r'viewBox="[^"]*"', there)[0] != re.search(r'viewBox="[^"]*"', here)[0]
            assert normalise(there) == normalise(here), "only the geometry may change with the fonts"
            return {**env, "FONT_FAMILY": family}
    pytest.fail(f"none of {FALLBACK_FAMILIES} changes dot's output here: install fonts-dejavu-core")


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_tutorials_pass_under_another_font_configuration_and_an_edited_label_fails(tmp_path, other_fonts):
    edited = quickstart_copy(trace_edits=[lambda svg: edit_once(svg, *MEANINGFUL_EDITS["node label"])])
    folder = tutorials_folder(tmp_path, {"edited-label.ipynb": edited}, copy=TUTORIALS)
    outcomes = run_nbval(folder, env={"FONTCONFIG_FILE": other_fonts["FONTCONFIG_FILE"]})

    assert sorted(outcomes) == sorted([*TUTORIALS, "edited-label.ipynb"])
    for name in TUTORIALS:
        assert not failed(outcomes[name]), f"{name} under {other_fonts['FONT_FAMILY']}: {outcomes[name]}"
    assert failed(outcomes["edited-label.ipynb"]) == ["Cell 3"]
    assert "mismatch 'image/svg+xml'" in outcomes["edited-label.ipynb"]["Cell 3"]
