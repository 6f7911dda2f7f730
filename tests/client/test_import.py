"""import_graph(): a JSON export recreated in a store, in one transaction locally, through the API elsewhere."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from lineage_magics import LineageClient
from lineage_magics.errors import LineageError
from lineage_magics.graph import Edge, LineageGraph, Vertex

from .conftest import CallCounter
from .test_copy_diff_impact import run_spec


def shape(graph: LineageGraph) -> tuple:
    """A graph without its ARNs: vertices by (lineage type, type, label, URI) and edges by labels."""
    label = {v.arn: v.label for v in graph.vertices}
    vertices = sorted((v.lineage_type, v.type, v.label, v.source_uri or "") for v in graph.vertices
                      if v.lineage_type == "Artifact")  # fmt: skip
    names = sorted((v.lineage_type, v.type, v.label) for v in graph.vertices)
    edges = sorted((label[e.source], label[e.destination], e.type or "") for e in graph.edges)
    return vertices, names, edges


@pytest.fixture
def exported(lc, tmp_path):
    """A traced workflow (context, action, artifacts with properties, a job's trial component) as a file."""
    lc.apply(run_spec("run-1"))
    tc = lc.create_trial_component("xgb-1-aws-training-job", status="Completed")
    lc.associate("train-data", tc, "ContributedTo")
    graph = lc.trace("model", direction="both", depth=5)
    path = tmp_path / "export.json"
    path.write_text(graph.to_json())
    return graph, path


def test_import_into_a_local_store_is_one_transaction_and_idempotent(exported, sqlite_lc):
    graph, path = exported
    calls = CallCounter(sqlite_lc.sagemaker)
    report = sqlite_lc.import_graph(path)
    assert report.bulk and not report.errors
    plural = {
        "Context": "contexts",
        "Action": "actions",
        "Artifact": "artifacts",
        "TrialComponent": "trial-components",
    }
    expected = Counter(plural[v.lineage_type] for v in graph.vertices)
    assert report.created == {**expected, "associations": len(graph.edges)}
    assert expected == {"contexts": 2, "actions": 1, "artifacts": 2, "trial-components": 1}
    writes = [op for op in calls.calls if op.startswith(("Create", "Add", "Update"))]
    assert writes == []  # no botocore call per row: the rows went in through bulk_import
    again = sqlite_lc.trace("model", direction="both", depth=5)
    assert shape(again) == shape(graph)
    model = sqlite_lc.get("model", "artifact")
    assert model.properties == {"accuracy": "0.9"} and model.source_uri == "s3://b/model.tar.gz"
    assert ("TrialComponent", "TrainingJob", "xgb-1-aws-training-job") in shape(again)[1]  # type by its name
    second = sqlite_lc.import_graph(path.read_text())  # the same export as JSON text
    assert not second.changed and second.existing["associations"] == 8


def test_import_through_the_api_of_lineage_serve(exported, serve):
    graph, path = exported
    remote = LineageClient(serve(), progress=False)
    report = remote.import_graph(graph)  # a LineageGraph object works too
    assert not report.bulk and not report.errors and report.created["associations"] == 8
    assert shape(remote.trace("model", direction="both", depth=5)) == shape(graph)
    assert not remote.import_graph(path).changed


def test_vertices_of_other_kinds_are_skipped_with_a_line(lc):
    graph = LineageGraph(
        [Vertex("arn:aws:sagemaker:us-east-1:000000000000:artifact/abc", "Artifact", "DataSet", "d", "s3://x"),
         Vertex("arn:aws:sagemaker:us-east-1:000000000000:experiment/e", "Experiment", "Experiment", "e")],
        [Edge("arn:aws:sagemaker:us-east-1:000000000000:artifact/abc",
              "arn:aws:sagemaker:us-east-1:000000000000:experiment/e", "AssociatedWith")],
        None,
    )  # fmt: skip
    report = lc.import_graph(graph)
    assert report.created == {"artifacts": 1} and "associations" not in report.created
    assert report.errors == [
        "arn:aws:sagemaker:us-east-1:000000000000:experiment/e: lineage type 'Experiment' is not imported"
    ]


@pytest.mark.parametrize(
    "source, message",
    [
        ("{not json", "not a lineage graph: invalid JSON"),
        (json.dumps({"vertices": "no"}), "not a lineage graph"),
        (42, "cannot import a int"),
    ],
)
def test_bad_sources_are_one_line(lc, source, message):
    with pytest.raises(LineageError, match=message) as info:
        lc.import_graph(source)
    assert "\n" not in str(info.value)


def test_bad_files_are_one_line(lc, tmp_path):
    with pytest.raises(LineageError, match=r"cannot read .*missing\.json"):
        lc.import_graph(tmp_path / "missing.json")
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(LineageError, match="not a JSON export"):
        lc.import_graph(binary)
    other = tmp_path / "o.json"
    other.write_text("[1, 2]")
    with pytest.raises(LineageError, match=r"o\.json: not a lineage graph"):
        lc.import_graph(str(other))
    assert lc.list("artifacts") == []
