"""Mermaid output, checked by the real Mermaid parser (node + jsdom) and by a strict line grammar."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from render_helpers import HOSTILE, hostile_graph

from lineage_magics.graph import LineageGraph
from lineage_magics.render import style
from lineage_magics.render.mermaid import escape, to_mermaid
from lineage_magics.render.samples import job_graph
from lineage_magics.text import shorten, visible

HERE = Path(__file__).resolve().parent
SHAPES = r'(\{\{"[^"]*"\}\}|\("[^"]*"\)|\["[^"]*"\]|\[\["[^"]*"\]\]|\(\["[^"]*"\]\))'
NODE = re.compile(rf"^  n\d+{SHAPES}:::[a-z]+$")
MORE = re.compile(r'^  m\d+>"\+\d+ more"\]:::more$')
EDGE = re.compile(r'^  (n\d+|m\d+) (-->|-\.->|-\.-)(\|([A-Za-z][A-Za-z0-9_]*|"[^"<>|]*")\|)? (n\d+|m\d+)$')
STYLE = re.compile(
    r"^  (classDef [a-z]+ |style n\d+ |linkStyle [\d,]+ )[a-z-]+:[#0-9a-z. ]+(,[a-z-]+:[#0-9a-z. ]+)*$"
)


@pytest.fixture(scope="session")
def mermaid_parser():
    """Runs tests/render/mermaid_check.mjs (Mermaid 11 under jsdom); installs it with npm on first use."""
    node = shutil.which("node")
    if node is None:
        pytest.skip(
            "node is not installed: the Mermaid parser runs on node (the line-grammar tests still run)"
        )
    if not (HERE / "node_modules" / "mermaid").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot install the Mermaid parser")
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, f"npm ci failed: {proc.stderr.strip().splitlines()[-1:]}"

    def parse(text: str) -> dict:
        proc = subprocess.run(
            [node, str(HERE / "mermaid_check.mjs")],
            input=text,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        result = json.loads(proc.stdout)
        assert (proc.returncode == 0) == result["ok"], proc.stderr
        return result

    return parse


def decode(label: str) -> str:
    """What Mermaid displays for a parsed label (its placeholders for #NN; entity codes, then HTML)."""
    return html.unescape(label.replace("ﬂ°°", "&#").replace("ﬂ°", "&").replace("¶ß", ";"))


def check_grammar(text: str) -> list[str]:
    """Every line of our flowcharts matches one of the few statement forms we emit."""
    lines = text.rstrip("\n").split("\n")
    if lines[0] == "---":
        assert re.fullmatch(r"title: showing \d+ of \d+ vertices", lines[1]) and lines[2] == "---"
        lines = lines[3:]
    assert lines[0] == "flowchart LR"
    for line in lines[1:]:
        assert (
            any(p.match(line) for p in (NODE, MORE, EDGE, STYLE)) or line == '  empty["empty lineage graph"]'
        ), line
    return lines


def test_mnist_flowchart_is_parsed_by_mermaid(mnist, mermaid_parser):
    text = to_mermaid(mnist)
    check_grammar(text)
    parsed = mermaid_parser(text)
    assert parsed["type"] == "flowchart-v2"
    ids = {v.arn: f"n{i}" for i, v in enumerate(mnist.vertices)}
    vertices = {v["id"]: v for v in parsed["vertices"]}
    assert set(vertices) == set(ids.values())
    for i, v in enumerate(mnist.vertices):
        got = vertices[f"n{i}"]
        assert decode(got["text"]) == f"{shorten(v.name, 40, middle=True)} · {v.type} · {v.lineage_type}"
        assert got["classes"] == [style.kind_of(v).css]
    assert vertices["n0"]["styles"] == ["stroke:#232f3e", "stroke-width:4px"]
    assert sorted((e["start"], e["end"], e["text"]) for e in parsed["edges"]) == sorted(
        (ids[e.source], ids[e.destination], e.type) for e in mnist.edges
    )
    assert parsed["classes"]["artifact"] == ["fill:#146eb4", "stroke:#0e4d7d", "color:#ffffff"]
    assert parsed["classes"]["context"][0] == "fill:#ff9900"
    assert parsed["classes"]["action"][0] == "fill:#88c396"
    assert parsed["classes"]["trialcomponent"][0] == "fill:#f6cf61"
    assert "experiment" not in parsed["classes"]


def test_hostile_labels_survive_mermaid_exactly(mermaid_parser):
    g = hostile_graph()
    text = to_mermaid(g)
    check_grammar(text)
    assert "<" not in text and ">" not in text.replace("-->", "").replace("-.->", "")
    parsed = mermaid_parser(text)
    got = {v["id"]: decode(v["text"]) for v in parsed["vertices"]}
    for i, v in enumerate(g.vertices):
        assert got[f"n{i}"].startswith(shorten(visible(v.name), 40, middle=True) + " · ")
    texts = {decode(e["text"]) for e in parsed["edges"]}
    assert {
        "AssociatedWith",
        "<script>alert(1)</script>",
        '"quoted" name',
        "a & b &amp; c",
        "#quot; #35; %% ; `tick`",
    } <= texts
    assert HOSTILE[10] == "<script>alert(1)</script>"


def test_capped_flowchart_has_a_title_and_stand_ins(mermaid_parser):
    text = to_mermaid(job_graph(40), max_vertices=6)
    lines = check_grammar(text)
    assert text.startswith("---\ntitle: showing 6 of 40 vertices\n---\nflowchart LR\n")
    parsed = mermaid_parser(text)
    more = [v for v in parsed["vertices"] if v["id"].startswith("m")]
    assert sum(int(v["text"].split()[0]) for v in more) == 34
    assert all(v["classes"] == ["more"] for v in more)
    assert len([line for line in lines if MORE.match(line)]) == len(more)


def test_the_parser_rejects_a_broken_flowchart(mermaid_parser):
    assert mermaid_parser('flowchart LR\n  n0["a"] -->\n')["ok"] is False
    assert mermaid_parser(to_mermaid(LineageGraph()))["ok"] is True


def test_escape_codes_every_special_character():
    assert escape('a"b<c>&d#e;f|g[h]{i}(j)`k\\') == (
        "a#34;b#60;c#62;#38;d#35;e#59;f#124;g#91;h#93;#123;i#125;#40;j#41;#96;k#92;"
    )
    assert escape("é 中 😀 ok-1_2.3") == "é 中 😀 ok-1_2.3"
    assert escape("tab\tnew\nline") == "tab#92;tnew#92;nline"
