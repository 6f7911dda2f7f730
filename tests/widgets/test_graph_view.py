"""GraphView headless: what it draws, what expanding and hiding open, what each costs, what it displays."""

from __future__ import annotations

import base64
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from lineage_magics import LineageClient
from lineage_magics.render import samples
from lineage_magics.render.mimebundle import mimebundle
from lineage_magics.widgets.graph_view import STATIC, GraphView

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
from render_helpers import HOSTILE, hostile_graph  # noqa: E402

from .conftest import seed_wide  # noqa: E402


class Calls:
    """The SageMaker operations a boto3 client makes (botocore's before-call event)."""

    def __init__(self, sagemaker):
        self.ops: Counter = Counter()
        self.args: list[tuple[str, dict]] = []
        # first: the in-process store answers on this event too, and the first answer ends it
        sagemaker.meta.events.register_first("before-call.sagemaker.*", self._count)

    def _count(self, model, params, **_kwargs):
        self.ops[model.name] += 1
        self.args.append((model.name, json.loads(params["body"] or b"{}")))  # the request, as sent


@pytest.fixture
def wide():
    """A workflow context, 3 steps, 100 artifacts made by each step: 304 vertices, traced over the
    SageMaker API path (QueryLineage pages, DescribeArtifact for what is shown)."""
    lc = LineageClient("memory://", progress=False)
    seed_wide(lc)
    fresh = LineageClient(lc.sagemaker, progress=False)  # nothing described yet, as in a new session
    fresh.api.trace_via_api = True
    return fresh


def titles(svg: str) -> set[str]:
    return {t for t in re.findall(r"<title>([^<]*)</title>", svg) if "&#45;&gt;" not in t}


def test_the_picture_is_dots_and_each_node_has_its_facts():
    g = samples.mnist_workflow()
    view = GraphView(g)
    ET.fromstring(view.svg.encode("utf-8"))
    assert titles(view.svg) - {"lineage"} == set(view.data["nodes"]) == {f"n{i}" for i in range(len(g))}
    start = view.data["nodes"][view.data["start"]]
    assert start["arn"] == g.start and start["start"]
    model = next(n for n in view.data["nodes"].values() if n["name"] == "mnist-model")
    assert model["lineage_type"] == "Artifact" and model["type"] == "Model"
    assert model["source_uri"].endswith("model.tar.gz") and model["arn"].startswith("arn:aws:sagemaker")
    assert {t["name"] for t in view.data["lineage_types"]} >= {"Context", "Action", "Artifact"}
    assert view.data["caption"] == f"{len(g)} vertices, {len(g.edges)} edges"


def test_expanding_a_more_box_fetches_only_those_neighbours(wide):
    ctx = wide.get("wide").arn
    graph = wide.trace(ctx, depth=2)
    assert len(graph.vertices) == 304
    view = GraphView(graph, wide)
    assert view.data["caption"] == "showing 150 of 304 vertices"
    shown = {n["arn"] for n in view.data["nodes"].values()}
    box_id, box = next(iter(view.data["more"].items()))
    anchor = box["anchor_arn"]
    behind = {e.destination for e in graph.edges if e.source == anchor} - shown
    assert box["count"] == len(behind) > 0

    calls = Calls(wide.sagemaker)
    new = view.expand(box_id)
    assert set(new) == behind
    # one DescribeArtifact per artifact opened, and nothing else: no QueryLineage, no other artifact
    assert calls.ops == Counter({"DescribeArtifact": len(behind)})
    assert {p["ArtifactArn"] for _op, p in calls.args} == behind
    now = {n["arn"]: n for n in view.data["nodes"].values()}
    assert shown | behind == set(now)
    assert all(now[a]["name"].startswith(("s0-", "s1-", "s2-")) for a in behind)  # drawn with their names
    assert view.data["caption"] == f"showing {150 + len(behind)} of 304 vertices"
    assert box_id not in titles(view.svg) or view.data["more"][box_id]["anchor_arn"] != anchor

    # collapsing closes them again, and costs nothing
    anchor_id = next(i for i, n in view.data["nodes"].items() if n["arn"] == anchor)
    assert view.data["nodes"][anchor_id]["collapsible"]
    before = sum(calls.ops.values())
    assert set(view.collapse(anchor)) == behind
    assert {n["arn"] for n in view.data["nodes"].values()} == shown
    assert sum(calls.ops.values()) == before


def test_legend_toggles_hide_a_lineage_type_and_an_association_type():
    g = samples.mnist_workflow()
    view = GraphView(g)
    view.toggle("lineage", "Artifact")
    assert {n["lineage_type"] for n in view.data["nodes"].values()} == {"Context", "Action", "TrialComponent"}
    assert next(t for t in view.data["lineage_types"] if t["name"] == "Artifact")["hidden"]
    view.toggle("lineage", "Artifact")
    view.toggle("association", "AssociatedWith")
    assert "AssociatedWith" not in {e["type"] for e in view.data["edges"]}
    assert len(view.data["nodes"]) == len(g)
    _name, data = view.export("json")  # the download is the view: the hidden edges are not in it
    assert b"AssociatedWith" not in data


def test_recentre_back_and_forward(wide):
    view = GraphView(wide.trace("wide", depth=1), wide, trace_options={"depth": 1})
    step = wide.get("step-1").arn
    view.recentre(step)
    assert view.graph.start == step and view.centre == step
    assert view.history == {"back": True, "forward": False}
    view.back()
    assert view.graph.start == wide.get("wide").arn and view.history == {"back": False, "forward": True}
    view.forward()
    assert view.graph.start == step


def test_describe_gives_times_parameters_and_metrics():
    lc = LineageClient("memory://", progress=False)
    job = lc.create_trial_component("train-job", parameters={"lr": 0.1, "optimizer": "adam"})
    lc.sagemaker.update_trial_component(TrialComponentName="train-job", Status={"PrimaryStatus": "Completed"})
    model = lc.create_artifact("s3://b/model", "Model", "model")
    lc.associate(job.arn, model, "Produced")
    view = GraphView(lc.trace("model"), lc)
    facts = view.describe(job.arn)
    assert facts["created"] and facts["status"] == "Completed"
    assert dict(map(tuple, facts["parameters"])) == {"lr": "0.1", "optimizer": "adam"}
    assert view.describe(job.arn) is facts  # asked once


def test_actions_fill_the_panel(wide):
    view = GraphView(wide.trace("wide", depth=1), wide)
    step = wide.get("step-0").arn
    impact = view.impact(step)
    assert impact["title"].startswith("impact of step-0: 100 downstream") and len(impact["rows"]) == 100
    table = view.table(step)
    assert table["rows"][table["mark"]][-1] == step


def test_hostile_text_reaches_the_page_only_as_data():
    g = hostile_graph()
    view = GraphView(g)
    assert "<script" not in view.svg.lower()
    labels = [n["name"] for n in view.data["nodes"].values()]
    # the names travel as data (made visible: control characters shown, never raw), for textContent
    assert any("<script>alert(1)</script>" in name for name in labels)
    assert not any(c in "".join(labels) for c in "\x00\x07\x1b")
    assert len(HOSTILE) < len(labels) + 2


def test_the_browser_code_builds_no_markup_from_strings():
    js = (STATIC / "graph_view.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js, sink
    assert "textContent" in js and "DOMParser" in js


def test_the_output_carries_the_widget_and_the_static_picture():
    g = samples.mnist_workflow()
    bundle = GraphView(g)._repr_mimebundle_()
    static = mimebundle(g)
    assert bundle["image/svg+xml"] == static["image/svg+xml"]  # what nbconvert, GitHub and nbval show
    assert bundle["text/plain"] == static["text/plain"]
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"]


def test_the_static_files_ship_with_the_package():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "anywidget>=0.9" in project["project"]["dependencies"]
    data = project["tool"]["setuptools"]["package-data"]["lineage_magics.widgets"]
    assert {p.name for p in STATIC.iterdir()} == {"graph_view.js", "graph_view.css"}
    assert data == ["static/*.js", "static/*.css"]


def test_an_executed_notebook_exported_to_html_shows_the_static_picture(tmp_path):
    """nbconvert's HTML (and GitHub) have no widget state: the output's SVG is what they show."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    url = f"sqlite:///{tmp_path / 'store.db'}"
    client = LineageClient(url, progress=False)
    a = client.create_artifact("s3://b/data.csv", "DataSet", "data-csv")
    step = client.create_action("cleaning", "Processing")
    client.associate(a, step)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"%load_ext lineage_magics\n%lineage use {url}"),
        nbformat.v4.new_code_cell("%lineage trace data-csv"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    [out] = [o for o in nb.cells[1].outputs if o.output_type == "execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in out.data  # a live front end shows the widget
    assert "cleaning" in out.data["image/svg+xml"] and "cleaning" in out.data["text/plain"]
    nb.metadata.pop("widgets", None)  # as the tutorials are committed
    html, _ = HTMLExporter().from_notebook_node(nb)
    images = re.findall(r"<img[^>]*src=\"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    assert any("cleaning" in base64.b64decode(i).decode("utf-8") for i in images)  # the picture, an <img>
    assert "application/vnd.jupyter.widget-view+json" not in html
