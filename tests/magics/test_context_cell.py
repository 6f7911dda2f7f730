"""%%lineage context: the DSL applied to the store: forms, re-runs, edits, --prune, --dry-run, -o, errors."""

from __future__ import annotations

import IPython.display
import pytest

from lineage_magics.errors import LineageError

from .conftest import MNIST_CELL, MNIST_PAIRS, client_of, formatted, ok, pairs, run


def store(client):
    """A comparable picture of the store: entities with their fields, and every association."""
    entities = set()
    for kind in ("contexts", "actions", "artifacts"):
        for e in client.list(kind):
            entities.add(
                (e.kind, e.name, e.type, e.source_uri, e.status, tuple(sorted(e.properties.items())))
            )
    return entities, pairs(client)


def test_design_example_builds_the_graph(mnist):
    client = client_of(mnist)
    ctx = client.get("mnist-workflow")
    assert (ctx.type, ctx.source_uri, ctx.properties) == ("MLWorkflow", "1700000000", {"example": "true"})
    action = client.get("model-build-step")
    assert (action.type, action.status, action.properties) == (
        "ModelBuild",
        "Completed",
        {"Example": "Metadata"},
    )
    assert client.get("s3://bucket/model.tar.gz").name == "mnist-model"
    assert pairs(client) == MNIST_PAIRS
    applied = mnist.user_ns["applied"]
    assert applied.changed and len(applied.created) == 5


def test_shown_result_is_summary_and_graph(ip, monkeypatch):
    cell = MNIST_CELL.replace(" -o applied", "")
    view = ip.run_cell_magic("lineage", cell.splitlines()[0][len("%%lineage ") :], cell.split("\n", 1)[1])
    assert view.summary == "context mnist-workflow changed: 5 created, 7 linked"
    assert {v.name for v in view.graph.vertices} == {
        "mnist-workflow",
        "mnist-test-images",
        "mnist-test-labels",
        "model-build-step",
        "mnist-model",
    }
    assert formatted(ip, view) == {}  # shown by _ipython_display_: two outputs, not one
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw=False: shown.append(data))
    view._ipython_display_()
    summary, graph = shown
    assert summary == {
        "text/plain": "context mnist-workflow changed: 5 created, 7 linked",
        "text/html": "<p>context mnist-workflow changed: 5 created, 7 linked</p>",
    }
    assert set(graph) == {"image/svg+xml", "image/png", "text/plain"}  # an image of its own
    assert "<svg" in graph["image/svg+xml"] and graph["text/plain"].startswith("lineage: 5 vertices")
    monkeypatch.undo()
    out = ok(ip, cell)
    assert "context mnist-workflow: unchanged" in out.stdout


def test_rerun_changes_nothing(mnist):
    before = store(client_of(mnist))
    ok(mnist, MNIST_CELL)
    result = mnist.user_ns["applied"]
    assert not result.changed
    assert store(client_of(mnist)) == before


def test_edit_adds_and_updates(mnist):
    edited = (
        MNIST_CELL.replace("Example=Metadata", "Example=Changed owner=ann")
        .replace("property example=true", "property example=false")
        .replace(
            "model-build-step -> mnist-model Produced",
            "model-build-step -> mnist-model Produced\n"
            "artifact mnist-report Report s3://bucket/report.html\n"
            "mnist-model -> mnist-report",
        )
    )
    ok(mnist, edited)
    result = mnist.user_ns["applied"]
    assert result.changed and result.created == ["artifact mnist-report"]
    assert set(result.updated) == {"action model-build-step", "context mnist-workflow"}
    client = client_of(mnist)
    assert client.get("model-build-step").properties == {"Example": "Changed", "owner": "ann"}
    assert client.get("mnist-workflow").properties["example"] == "false"
    assert ("mnist-model", "mnist-report", "DerivedFrom") in pairs(client)
    assert ("mnist-workflow", "mnist-report", "AssociatedWith") in pairs(client)


def test_prune_removes_undeclared_links_not_entities(mnist):
    smaller = "\n".join(line for line in MNIST_CELL.splitlines() if "mnist-test-labels" not in line).replace(
        "-o applied", "--prune -o applied"
    )
    ok(mnist, smaller)
    client = client_of(mnist)
    assert not any("mnist-test-labels" in (a, b) for a, b, _ in pairs(client))
    assert client.get("mnist-test-labels").name == "mnist-test-labels"  # the entity stays
    assert len(mnist.user_ns["applied"].unlinked) == 2
    without_prune = MNIST_CELL.replace("artifact mnist-test-labels", "# artifact mnist-test-labels")
    without_prune = without_prune.replace("mnist-test-labels -> model-build-step", "")
    ok(mnist, MNIST_CELL)  # put them back
    ok(mnist, without_prune)
    assert ("mnist-workflow", "mnist-test-labels", "AssociatedWith") in pairs(client)


def test_dry_run_shows_the_plan_and_writes_nothing(ip):
    out = ok(ip, MNIST_CELL.replace("-o applied", "--dry-run"))
    assert "would create context mnist-workflow" in out.stdout
    assert "would link" in out.stdout
    client = client_of(ip)
    assert len(client.list("contexts")) == 0 and len(client.list("associations")) == 0
    ok(ip, MNIST_CELL.replace("-o applied", "--dry-run -o plan"))
    assert ip.user_ns["plan"].dry_run and ip.user_ns["plan"].changed


def test_nested_context_and_chain_with_type_and_refs(mnist):
    ok(
        mnist,
        "%%lineage context outer --type Project -o r\n"
        "context inner_ctx Team uri=https://team k=v\n"
        "action evaluate Evaluation uri=s3://code status=InProgress\n"
        "mnist-model -> evaluate -> s3://bucket/model.tar.gz associatedwith\n"
        "inner_ctx -> evaluate\n",
    )
    client = client_of(mnist)
    inner = client.get("inner_ctx")
    assert (inner.kind, inner.type, inner.source_uri, inner.properties) == (
        "context",
        "Team",
        "https://team",
        {"k": "v"},
    )
    assert client.get("evaluate").status == "InProgress"
    got = pairs(client)
    assert ("mnist-model", "evaluate", "AssociatedWith") in got
    assert ("evaluate", "mnist-model", "AssociatedWith") in got
    assert ("inner_ctx", "evaluate", "AssociatedWith") in got
    assert ("outer", "inner_ctx", "AssociatedWith") in got


def test_quoting_and_comments_reach_the_store(ip):
    ok(
        ip,
        "%%lineage context quoted -o r\n"
        "artifact data 'Raw Data' \"s3://b/with space#x\" note='a # b'  # trailing comment\n"
        "   # indented comment\n"
        "\n"
        "action step T 'title=Step One'\n"
        "data->step\n",
    )
    client = client_of(ip)
    data = client.get("s3://b/with space#x")
    assert (data.type, data.properties) == ("Raw Data", {"note": "a # b"})
    assert client.get("step").properties == {"title": "Step One"}
    assert ("data", "step", "ContributedTo") in pairs(client)


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("artifact a T s3://a\nartefact b T s3://b", 3, "unknown declaration 'artefact'"),
        ("action a T\naction a T", 3, "already declared on line 2"),
        ("\n\na -> b Sideways", 4, "unknown association type 'Sideways'"),
        ("action bad_name T", 2, "breaks SageMaker's rule"),
        ("action a T status=Maybe", 2, "unknown action status"),
        ("action a T\na -> nowhere-at-all", 3, "'nowhere-at-all' is neither declared"),
    ],
)
def test_errors_name_the_line_and_write_nothing(ip, body, line, words):
    out = run(ip, f"%%lineage context wf\n{body}\n")
    assert isinstance(out.error, LineageError)
    message = str(out.error)
    assert message.startswith(f"line {line}: ") and words in message
    assert "\n" not in message
    assert "Traceback" not in out.stdout + out.stderr
    assert len(client_of(ip).list("contexts")) == 0
    assert len(client_of(ip).list("actions")) == 0


def test_bad_context_name_names_line_one(ip):
    out = run(ip, "%%lineage context bad.name\naction a T\n")
    assert str(out.error).startswith("line 1: context name 'bad.name'")


def test_first_line_expands_variables_the_body_does_not(ip):
    ip.user_ns["flow"] = "expanded-flow"
    ip.user_ns["kinds"] = ["MLWorkflow"]
    ok(ip, "%%lineage context $flow --type {kinds[0]} -o r\naction a T\n")
    assert client_of(ip).get("expanded-flow").type == "MLWorkflow"
    out = run(ip, "%%lineage context $flow\naction $flow T\n")
    assert "'$flow' breaks SageMaker's rule" in str(out.error)


def test_trailing_semicolon_silences_the_cell(ip):
    out = ok(ip, "%%lineage context quiet\naction a T;\n")
    assert out.value is None and out.stdout == ""
    assert client_of(ip).get("a").type == "T"


def test_context_options_reach_the_store(ip):
    ok(
        ip,
        "%%lineage context described --type Project --source-uri s3://p --description 'a test' -o r\naction a T\n",
    )
    ctx = client_of(ip).get("described")
    assert (ctx.type, ctx.source_uri, ctx.description) == ("Project", "s3://p", "a test")


def test_a_misspelled_edge_name_gets_a_did_you_mean(ip):
    out = run(
        ip,
        "%%lineage context wf --type Workflow\n"
        "artifact training-data DataSet s3://b/train.csv\n"
        "action   train-step    Training\n"
        "traning-data -> train-step\n",
    )
    assert isinstance(out.error, LineageError)
    assert "line 4: 'traning-data' is neither declared in the cell nor an existing entity" in str(out.error)
    assert "did you mean 'training-data'?" in str(out.error)
    assert client_of(ip).list("contexts") == []  # nothing written
