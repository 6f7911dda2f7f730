"""The text tree, the JSON round trip and the DataFrame."""

from __future__ import annotations

import json

import pytest
from render_helpers import hostile_graph

from lineage_magics.errors import LineageError
from lineage_magics.graph import Edge, LineageGraph, Vertex
from lineage_magics.render.jsonexport import from_json, to_json
from lineage_magics.render.samples import ACCOUNT, job_graph
from lineage_magics.render.table import COLUMNS, to_dataframe
from lineage_magics.render.text import to_text

MNIST_TREE = """\
lineage: 12 vertices, 14 edges
mnist-workflow [MLWorkflow · Context]  (start)
├──[AssociatedWith]→ mnist-test-images [TestData · Artifact]
│  └─←[SameAs]─ mnist-test-images-copy [TestData · Artifact]
├──[AssociatedWith]→ mnist-test-labels [TestLabels · Artifact]
├──[AssociatedWith]→ model-build-step-1700000000 [ModelBuild · Action]
│  ├─←[ContributedTo]─ mnist-test-images (see above)
│  ├─←[ContributedTo]─ mnist-test-labels (see above)
│  ├─←[ContributedTo]─ tensorflow-training [Image · Artifact]
│  └──[AssociatedWith]→ tensorflow-training-2020-11-20-23-57-13-077-aws-training-job \
[SageMakerTrainingJob · TrialComponent]
└──[AssociatedWith]→ mnist-model [Model · Artifact]
   ├─←[Produced]─ model-build-step-1700000000 (see above)
   ├──[ContributedTo]→ mnist-model-deployment [ModelDeployment · Action]
   │  ├─←[ContributedTo]─ tensorflow-inference [Image · Artifact]
   │  └──[AssociatedWith]→ mnist-endpoint [Endpoint · Context]
   └─←[DerivedFrom]─ mnist-model-int8 [Model · Artifact]"""


def test_text_tree_of_the_mnist_workflow(mnist):
    assert to_text(mnist) == MNIST_TREE


def test_text_shows_every_vertex_once_and_every_edge_once():
    g = job_graph(80)
    out = to_text(g, max_vertices=80).splitlines()
    full = [line for line in out[1:] if not line.endswith("(see above)")]
    assert len(full) == len(g.vertices)
    arrows = [line for line in out[1:] if "]→ " in line or "]─ " in line]
    assert len(arrows) == len(g.edges)


def test_text_of_a_capped_graph_has_the_caption_and_stand_ins():
    out = to_text(job_graph(60), max_vertices=12)
    assert out.splitlines()[0] == "lineage: 12 vertices, 20 edges (showing 12 of 60 vertices)"
    counts = [int(line.split("+")[1].split()[0]) for line in out.splitlines() if "… +" in line]
    assert sum(counts) == 48


def test_text_reaches_vertices_not_connected_to_the_start():
    a, b = f"{ACCOUNT}:action/a", f"{ACCOUNT}:action/b"
    g = LineageGraph(
        [Vertex(a, "Action", "T", "a"), Vertex(b, "Action", "T", "b")], [Edge(b, b, "SameAs")], a
    )
    assert to_text(g).splitlines()[1:] == [
        "a [T · Action]  (start)",
        "b [T · Action]",
        "└──[SameAs]→ b (see above)",
    ]
    assert to_text(LineageGraph()) == "(empty lineage graph)"


def test_json_round_trip_keeps_every_attribute(mnist):
    mnist.truncated, mnist.total_vertices = True, 40
    data = json.loads(to_json(mnist))
    assert list(data)[:5] == ["start", "truncated", "total_vertices", "direction", "depth"]
    assert data["vertices"][0] == {
        "arn": f"{ACCOUNT}:context/mnist-workflow",
        "lineage_type": "Context",
        "type": "MLWorkflow",
        "name": "mnist-workflow",
        "source_uri": "1700000000",
        "properties": {"example": "true"},
        "depth": 0,
    }
    back = from_json(to_json(mnist, indent=None))
    assert [vars(v) for v in back.vertices] == [vars(v) for v in mnist.vertices]
    assert back.edges == mnist.edges
    for attr in ("start", "truncated", "total_vertices", "direction", "depth", "name"):
        assert getattr(back, attr) == getattr(mnist, attr)


def test_json_of_hostile_text_is_valid_utf8_and_round_trips():
    g = hostile_graph()
    text = to_json(g)
    text.encode("utf-8")
    assert [vars(v) for v in from_json(text).vertices] == [vars(v) for v in g.vertices]


@pytest.mark.parametrize(
    "bad", ["not json", "[]", '{"vertices": [{"name": "x"}]}', '{"vertices": [{"arn": "a", "x": 1}]}']
)
def test_from_json_refuses_what_is_not_a_graph_in_one_line(bad):
    with pytest.raises(LineageError, match="^not a lineage graph") as info:
        from_json(bad)
    assert "\n" not in str(info.value)


def test_dataframe_has_one_row_per_vertex(mnist):
    frame = to_dataframe(mnist)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 12
    assert frame.iloc[0].to_dict() == {
        "name": "mnist-workflow",
        "lineage_type": "Context",
        "type": "MLWorkflow",
        "depth": 0,
        "source_uri": "1700000000",
        "arn": f"{ACCOUNT}:context/mnist-workflow",
    }
    assert str(frame["depth"].dtype) == "Int64"
    assert list(to_dataframe(LineageGraph()).columns) == COLUMNS
    html = to_dataframe(hostile_graph()).to_html()
    assert "<script" not in html and "&lt;script&gt;" in html


def test_dataframe_shows_whole_arns_and_no_missing_values(mnist):
    frame = to_dataframe(mnist)
    shown = frame._repr_html_() + repr(frame[["name", "arn"]])
    assert all(arn in shown for arn in frame["arn"]), "an ARN was cut"
    assert "NaN" not in shown and "None" not in shown and not frame.isna().any().any()
    step = frame[frame["lineage_type"] == "Action"]
    assert isinstance(step, type(frame)) and "" in set(step["source_uri"])


def test_one_table_of_formats_serves_every_export():
    from lineage_magics.render.formats import EXPORT_FORMATS, FORMATS, by_extension, export
    from lineage_magics.render.samples import mnist_workflow

    graph = mnist_workflow()
    assert by_extension("a/lineage.mmd") == "mermaid" and by_extension("x.GV") == "dot"
    assert by_extension("events.openlineage.json") == "openlineage" and by_extension("g.json") == "json"
    assert by_extension("notes.docx") is None
    for name in EXPORT_FORMATS:
        out = export(graph, name)
        assert isinstance(out, bytes) == FORMATS[name].binary, name
    assert export(graph, "png").startswith(b"\x89PNG")
    assert export(graph, "dot").startswith("digraph") and '"@context"' not in export(graph, "json")
    assert json.loads(export(graph, "openlineage"))[0]["eventType"]
    with pytest.raises(ValueError, match="format must be one of"):
        export(graph, "docx")
