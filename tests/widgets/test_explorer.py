"""ExploreForm headless: depth, direction, filters, re-centre and exports change what is shown."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from lineage_magics.widgets import ExploreForm, FormError

# a 12-vertex training workflow: (source, destination) by name; artifacts are "a-*"
ARTIFACTS = {
    "a-raw": "DataSet",
    "a-labels": "Labels",
    "a-clean": "DataSet",
    "a-hyper": "Hyperparameters",
    "a-model": "Model",
    "a-metrics": "Metrics",
    "a-endpoint": "Endpoint",
}
ACTIONS = {"prep": "Processing", "train": "Training", "evaluate": "Evaluation", "deploy": "Deployment"}
LINKS = [
    ("a-raw", "prep"),
    ("a-labels", "prep"),
    ("prep", "a-clean"),
    ("a-clean", "train"),
    ("a-hyper", "train"),
    ("train", "a-model"),
    ("a-model", "evaluate"),
    ("evaluate", "a-metrics"),
    ("a-model", "deploy"),
    ("deploy", "a-endpoint"),
    ("project", "train"),
]


@pytest.fixture
def workflow(client):
    arns = {}
    for name, type_ in ARTIFACTS.items():
        arns[name] = client.create_artifact(f"s3://bucket/{name}", type_, name).arn
    for name, type_ in ACTIONS.items():
        arns[name] = client.create_action(name, type_, status="Completed").arn
    arns["project"] = client.create_context("project", "Workflow").arn
    for src, dst in LINKS:
        client.associate(arns[src], arns[dst])
    return arns


def names(form, without_start=True):
    graph = form.value
    found = {v.name for v in graph.vertices}
    if without_start:
        found.discard(graph.vertex(graph.start).name if graph.start in graph else None)
    return found


def svg_nodes(form):
    """Vertex nodes drawn (not the "+K more" boxes)."""
    return len(re.findall(r'class="node lineage&#45;(?!more)', form.graph.svg))


def test_tracing_shows_the_svg_the_caption_and_the_vertex_list(client, workflow):
    form = ExploreForm(client, start="train", direction="down", depth=1)
    assert form.status_level == "ok", form.status
    ET.fromstring(form.graph.svg.encode("utf-8"))  # well-formed SVG, drawn by dot
    assert {n["label"] for n in form.graph.data["nodes"].values()} == {"train", "a-model"}
    assert names(form) == {"a-model"}
    assert form.caption.value.startswith("showing 2 of 2 vertices")
    labels = [label for label, _arn in form.vertices.options]
    assert "★ Action · train · Training" in labels
    assert form.vertices.value == workflow["train"]
    assert form.start.value == workflow["train"]


def test_depth_changes_the_graph(client, workflow):
    form = ExploreForm(client, start="train", direction="down", depth=1)
    nodes_1, vertices_1 = svg_nodes(form), len(form.value.vertices)
    form.depth.value = 2  # re-traces at once
    assert names(form) == {"a-model", "evaluate", "deploy"}
    form.depth.value = 3
    assert names(form) == {"a-model", "evaluate", "deploy", "a-metrics", "a-endpoint"}
    assert svg_nodes(form) - nodes_1 == len(form.value.vertices) - vertices_1 == 4
    assert "depth 3" in form.caption.value


def test_direction_changes_the_graph(client, workflow):
    form = ExploreForm(client, start="train", direction="down", depth=2)
    down = names(form)
    form.direction.value = "up"
    assert names(form) == {"a-clean", "a-hyper", "project", "prep"}
    assert names(form).isdisjoint(down)
    form.direction.value = "both"
    form.depth.value = 25
    assert len(form.value.vertices) == 12
    assert form.caption.value.startswith("showing 12 of 12 vertices, 11 edges")


def test_recentre_traces_from_the_chosen_vertex(client, workflow):
    form = ExploreForm(client, start="train", direction="down", depth=1)
    form.vertices.value = workflow["a-model"]
    assert not form.recentre_button.disabled
    form.recentre_button.click()
    assert form.status_level == "ok", form.status
    assert form.value.start == workflow["a-model"]
    assert names(form) == {"evaluate", "deploy"}
    assert form.start.value == workflow["a-model"]
    assert "★ Artifact · a-model · Model" in [label for label, _ in form.vertices.options]


def test_trace_button_uses_the_start_picker(client, workflow):
    form = ExploreForm(client)
    assert form.value is None and form.recentre_button.disabled
    form.trace_button.click()
    assert form.status == "choose a start entity first"
    form.start.filter.value = "evaluate"
    form.direction.value = "up"
    form.trace_button.click()
    assert form.value.start == workflow["evaluate"]
    assert "a-model" in names(form)


def test_lineage_type_and_type_filters(client, workflow):
    form = ExploreForm(client, start="train", depth=25)
    form.lineage_types.value = ("Artifact",)
    graph = form.value
    others = [v for v in graph.vertices if v.arn != graph.start]
    assert others and {v.lineage_type for v in others} == {"Artifact"}
    assert len(others) == len(ARTIFACTS)
    form.lineage_types.value = ()
    form.types.value = ("Model",)
    assert names(form) == {"a-model"}


def test_a_vertex_cap_says_how_many_are_shown(client, workflow):
    form = ExploreForm(client, start="train", depth=25, max_vertices=3)
    assert len(form.value.vertices) <= 3
    assert form.value.truncated
    assert re.match(r"showing [0-3] of \d+ vertices \(truncated\)", form.caption.value)


def test_exports_are_downloads_and_files(client, workflow, tmp_path):
    form = ExploreForm(client, start="train", depth=2, export_dir=tmp_path)
    sent = []
    form.graph.send = lambda content, buffers=None: sent.append((content, buffers))
    for fmt in ("svg", "png", "mermaid", "json"):
        out = form.export(fmt)  # text, bytes for png (as render.formats.export gives them)
        assert form.status_level == "ok", form.status
        data = out if fmt == "png" else out.encode("utf-8")
        written = {"svg": "lineage-train.svg", "png": "lineage-train.png", "mermaid": "lineage-train.mmd",
                   "json": "lineage-train.json"}[fmt]  # fmt: skip
        assert (tmp_path / written).read_bytes() == data
        content, buffers = sent[-1]
        assert content == {"kind": "download", "filename": written, "mime": content["mime"]}
        assert bytes(buffers[0]) == data  # the page gets the bytes as a file, not text in a box
        if fmt == "svg":
            assert ET.fromstring(data).tag.endswith("svg")
        elif fmt == "png":
            assert data.startswith(b"\x89PNG")
        elif fmt == "mermaid":
            assert data.decode().lstrip().startswith("flowchart") and "train" in data.decode()
        else:
            out = json.loads(data)
            assert len(out["vertices"]) == len(form.value.vertices)
            assert len(out["edges"]) == len(form.value.edges)


def test_export_before_a_trace_is_refused(client):
    form = ExploreForm(client)
    with pytest.raises(FormError, match="nothing to export: trace a graph first"):
        form.export("svg")


def test_the_empty_form_says_what_to_do_first(client, workflow):
    form = ExploreForm(client)
    assert form.graph.svg == "" and "Choose a start entity" in form.graph.empty_hint


def test_back_and_forward_move_the_form_with_the_graph(client, workflow):
    form = ExploreForm(client, start="train", direction="down", depth=1)
    form.graph.recentre(workflow["a-model"])  # what a double-click asks
    assert form.value.start == workflow["a-model"] and form.vertices.value == workflow["a-model"]
    form.graph.back()
    assert form.value.start == workflow["train"] and names(form) == {"a-model"}
    assert form.graph.history == {"back": False, "forward": True}
    form.graph.forward()
    assert form.value.start == workflow["a-model"]


def test_user_text_never_reaches_the_page_raw(client):
    client.create_action("act", "<script>alert(1)</script>")
    client.create_artifact("s3://b/<img src=x onerror=alert(1)>", "<b>bold</b>")
    client.associate("act", "s3://b/<img src=x onerror=alert(1)>")
    form = ExploreForm(client, start="act")
    page = form.graph.svg + form.caption.value + form._status.value
    assert "<script" not in page and "<img" not in page and "<b>" not in page


def test_an_unknown_start_shows_the_error(client, workflow):
    form = ExploreForm(client, start="no-such-thing")
    assert form.status_level == "error"
    assert "no-such-thing" in form.status
    assert form.value is None


@pytest.mark.parametrize("depth", [1, 25])
def test_depth_bounds(client, workflow, depth):
    form = ExploreForm(client, start="a-raw", direction="down", depth=depth)
    assert form.depth.value == depth
    assert form.status_level == "ok", form.status
