"""Every %lineage line verb and its options, in a real InteractiveShell on a fresh memory:// store."""

from __future__ import annotations

import json
import re

import pytest
from IPython.core.error import UsageError

from lineage_magics import LineageClient
from lineage_magics.errors import LineageError
from lineage_magics.graph import LineageGraph

from .conftest import MNIST_PAIRS, client_of, formatted, ok, pairs, run


def line(ip, text):
    return ip.run_line_magic("lineage", text)


# -- use / status -------------------------------------------------------------------------------------


def test_use_switches_backend_and_validates(ip, tmp_path):
    db = tmp_path / "one.db"
    out = ok(ip, f"%lineage use sqlite:///{db}")
    assert f"using sqlite:///{db} (embedded service, SQLite file)" in out.stdout
    ok(ip, "%lineage create context persisted Workflow")
    ok(ip, "%lineage use memory://")
    assert len(client_of(ip).list("contexts")) == 0
    assert [e.name for e in LineageClient(f"sqlite:///{db}").list("contexts")] == ["persisted"]
    with pytest.raises(UsageError, match="not a lineage URL"):
        line(ip, "use postgres://x")
    assert ip.magics_manager.registry["LineageMagics"].url == "memory://"


def test_status_reports_backend_and_counts(mnist):
    report = line(mnist, "status")
    text = repr(report)
    assert "embedded service, in memory" in text and "memory://" in text
    assert "000000000000" in text
    assert dict(report.counts) == {
        "contexts": (1, 500),
        "actions": (1, 3000),
        "artifacts": (3, 6000),
        "associations": (7, 6000),
    }
    html = re.sub(r" style='[^']*'", "", formatted(mnist, report)["text/html"])
    assert "<td>associations</td><td>7</td><td>6000</td>" in html
    ok(mnist, "%lineage status -o st")
    assert mnist.user_ns["st"].counts["contexts"] == (1, 500)


def test_progress_setting_keeps_the_store(mnist):
    ok(mnist, "%config LineageMagics.progress = True")
    assert client_of(mnist).progress is True
    assert [e.name for e in line(mnist, "list contexts")] == ["mnist-workflow"]


def test_progress_setting_keeps_the_same_client(mnist):
    """Not a new client rebuilt from the boto3 one: the URL, workers and pending clean-ups stay."""
    before = client_of(mnist)
    before.max_workers = 7
    before.api.pending_cleanups["arn:x"] = "a plan left by an interrupted clean-up"
    ok(mnist, "%config LineageMagics.progress = True")
    after = client_of(mnist)
    assert after is before and after.progress is True
    assert after.url == "memory://" and repr(after) == "<LineageClient memory://>"
    assert after.max_workers == 7 and after.api.pending_cleanups == {
        "arn:x": "a plan left by an interrupted clean-up"
    }
    ok(mnist, "%config LineageMagics.progress = False")
    assert client_of(mnist) is before and before.progress is False


def test_status_never_shows_credentials():
    from lineage_magics.connect import redact

    assert redact("http://ann:s3cret@127.0.0.1:8700/x?token=abc") == "http://127.0.0.1:8700/x"
    assert redact("https://h:1?region=eu-west-1&key=k") == "https://h:1?region=eu-west-1"
    assert redact("sagemaker://us-east-1?profile=ml&secret=1") == "sagemaker://us-east-1?profile=ml"
    assert redact("sagemaker://") == "sagemaker://"
    assert redact("sqlite:///~/x.db") == "sqlite:///~/x.db"


# -- list ------------------------------------------------------------------------------------------------


def test_list_every_kind(mnist):
    ok(mnist, "%lineage create experiment exp1")
    ok(mnist, "%lineage create trial trial1 --experiment exp1")
    ok(mnist, "%lineage create trial-component tc1 status=Completed lr=0.1")
    assert [e.name for e in line(mnist, "list contexts")] == ["mnist-workflow"]
    assert [e.name for e in line(mnist, "list actions")] == ["model-build-step"]
    assert {e.name for e in line(mnist, "list artifacts")} == {
        "mnist-test-images",
        "mnist-test-labels",
        "mnist-model",
    }
    assert len(line(mnist, "list associations")) == 7
    assert [e.name for e in line(mnist, "list experiments")] == ["exp1"]
    assert [e.name for e in line(mnist, "list trials --experiment exp1")] == ["trial1"]
    assert [e.name for e in line(mnist, "list trial-components")] == ["tc1"]
    assert [e.name for e in line(mnist, "list context")] == ["mnist-workflow"]  # singular accepted


def test_list_filters_and_limits(mnist):
    assert [e.name for e in line(mnist, "list artifacts --type Model")] == ["mnist-model"]
    assert [e.name for e in line(mnist, "list artifacts --source-uri s3://bucket/model.tar.gz")] == [
        "mnist-model"
    ]
    assert len(line(mnist, "list artifacts --limit 2")) == 2
    names = [e.name for e in line(mnist, "list artifacts --order asc")]
    assert names == ["mnist-test-images", "mnist-test-labels", "mnist-model"]
    assert names[::-1] == [e.name for e in line(mnist, "list artifacts --order desc --sort-by CreationTime")]
    assert [e.name for e in line(mnist, "list actions --sort-by Name")] == ["model-build-step"]
    incoming = line(mnist, "list associations --destination model-build-step")
    assert {a.source_name for a in incoming} == {"mnist-test-images", "mnist-test-labels", "mnist-workflow"}
    outgoing = line(mnist, "list associations --source mnist-workflow --type associatedwith")
    assert len(outgoing) == 4
    assert len(line(mnist, "list associations --type Produced")) == 1


def test_list_html_is_escaped_and_says_showing_n_of_m(ip):
    ok(ip, "%lineage create context ctx-a '<b>Bold</b>'")
    ok(ip, "%lineage create context ctx-b T")
    html = formatted(ip, line(ip, "list contexts"))["text/html"]
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold" not in html
    assert "showing 2 of 2 contexts" in html
    html = formatted(ip, line(ip, "list contexts --limit 1"))["text/html"]
    assert "showing 1 of more than 1 contexts" in html


def test_list_uses_displaylimit(ip):
    for i in range(4):
        ok(ip, f"%lineage create context c{i} T")
    ok(ip, "%config LineageMagics.displaylimit = 3")
    assert len(line(ip, "list contexts")) == 3
    ok(ip, "%config LineageMagics.displaylimit = 0")
    assert len(line(ip, "list contexts")) == 4


def test_list_stores_with_o_and_rejects_wrong_filters(mnist):
    out = ok(mnist, "%lineage list artifacts -o arts")
    assert out.value is None and out.stdout == ""
    assert len(mnist.user_ns["arts"]) == 3
    with pytest.raises(UsageError, match="--source and --destination apply to associations"):
        line(mnist, "list contexts --source x")
    with pytest.raises(UsageError, match="--source-uri does not apply"):
        line(mnist, "list associations --source-uri x")
    with pytest.raises(UsageError, match="--type: unknown association type 'Made'"):
        line(mnist, "list associations --type Made")
    with pytest.raises(UsageError, match="asc or desc"):
        line(mnist, "list contexts --order up")


# -- show / create -------------------------------------------------------------------------------------------


def test_show_entity_and_links(mnist):
    detail = line(mnist, "show model-build-step")
    assert detail.entity.name == "model-build-step" and detail.entity.status == "Completed"
    assert len(detail.associations) == 4
    text = repr(detail)
    assert "model-build-step" in text and "Produced" in text
    assert "model-build-step" in formatted(mnist, detail)["text/html"]
    ok(mnist, "%lineage show s3://bucket/model.tar.gz --kind artifact -o model")
    assert mnist.user_ns["model"].name == "mnist-model"


def test_show_experiment_entities(ip):
    ok(ip, "%lineage create experiment e1")
    ok(ip, "%lineage create trial t1 --experiment e1")
    ok(ip, "%lineage create trial-component tc1 lr=0.1")
    for name, kind in (("e1", "experiment"), ("t1", "trial"), ("tc1", "trial-component")):
        detail = line(ip, f"show {name}")
        assert detail.entity.kind == kind and "no associations" in repr(detail)


def test_show_missing_is_one_line_with_suggestion(mnist):
    out = run(mnist, "%lineage show model-bild-step")
    assert isinstance(out.error, LineageError)
    assert "model-build-step" in str(out.error)
    assert "Traceback" not in out.stdout + out.stderr


def test_create_each_kind(ip):
    ctx = line(
        ip, "create context wf_1 MLWorkflow uri=1700 example=true --description 'my flow' --tag team=ml"
    )
    assert (ctx.kind, ctx.name, ctx.type, ctx.source_uri, ctx.properties) == (
        "context",
        "wf_1",
        "MLWorkflow",
        "1700",
        {"example": "true"},
    )
    assert ctx.description == "my flow"
    assert client_of(ip).tags("wf_1") == {"team": "ml"}
    act = line(ip, "create action build ModelBuild status=completed Example=Metadata --context wf_1")
    assert (act.status, act.properties) == ("Completed", {"Example": "Metadata"})
    art = line(ip, "create artifact model Model s3://b/m.tar.gz size=3 --context wf_1")
    assert (art.name, art.source_uri, art.properties) == ("model", "s3://b/m.tar.gz", {"size": "3"})
    assert pairs(client_of(ip)) == {("wf_1", "build", "AssociatedWith"), ("wf_1", "model", "AssociatedWith")}
    assert line(ip, "create experiment exp-1 --description d").kind == "experiment"
    assert line(ip, "create trial t-1 --experiment exp-1").kind == "trial"
    tc = line(ip, "create trial-component tc-1 status=InProgress lr=0.1")
    assert tc.kind == "trial-component"
    ok(ip, "%lineage create action build2 T -o made")
    assert ip.user_ns["made"].name == "build2"


def test_create_exist_ok_and_duplicates(ip):
    first = line(ip, "create action step T")
    assert line(ip, "create action step T --exist-ok").arn == first.arn
    assert line(ip, "create experiment e1").arn == line(ip, "create experiment e1 --exist-ok").arn
    out = run(ip, "%lineage create action step T")
    assert isinstance(out.error, LineageError) and "already exists" in str(out.error)
    assert out.stderr.count("\n") <= 1 and "Traceback" not in out.stdout + out.stderr


def test_create_with_missing_context_writes_nothing(ip):
    out = run(ip, "%lineage create action a T --context nowhere")
    assert isinstance(out.error, LineageError) and "nowhere" in str(out.error)
    assert len(client_of(ip).list("actions")) == 0


def test_create_dry_run_writes_nothing(ip):
    ok(ip, "%lineage create context wf T")
    out = ok(ip, "%lineage create artifact a1 DataSet s3://b/a --context wf --dry-run")
    assert "would create artifact 'a1' (DataSet), linked from context 'wf'" in out.stdout
    assert len(client_of(ip).list("artifacts")) == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("create widget x T", "unknown kind 'widget'"),
        ("create action my_step T", "breaks SageMaker's rule"),
        ("create artifact a T", "artifact needs URI"),
        ("create action a T bare", "properties are key=value"),
        ("create trial t1", "a trial needs --experiment"),
        ("create experiment e1 extra", "takes only a NAME"),
        ("create action a T --experiment e", "--experiment applies to trials"),
        ("create action a T --tag novalue", "properties are key=value"),
        ("create trial-component tc status=Nope", "unknown trial component status"),
    ],
)
def test_create_usage_errors(ip, text, words):
    with pytest.raises(UsageError, match=words):
        line(ip, text)


# -- link / unlink ---------------------------------------------------------------------------------------------


def test_link_default_and_explicit_types_and_unlink(ip):
    for text in ("artifact data DataSet s3://b/d", "action train Train", "artifact model Model s3://b/m"):
        line(ip, f"create {text}")
    out = ok(ip, "%lineage link data train")
    assert "linked data -> train (ContributedTo)" in out.stdout
    ok(ip, "%lineage link train model")
    ok(ip, "%lineage link data model derivedfrom -o assoc")
    assert ip.user_ns["assoc"].type == "DerivedFrom"
    assert pairs(client_of(ip)) == {
        ("data", "train", "ContributedTo"),
        ("train", "model", "Produced"),
        ("data", "model", "DerivedFrom"),
    }
    out = ok(ip, "%lineage unlink data model")
    assert "unlinked data -> model" in out.stdout
    assert ("data", "model", "DerivedFrom") not in pairs(client_of(ip))


# -- trace ------------------------------------------------------------------------------------------------


def test_trace_default_is_a_graph_with_svg(mnist):
    graph = line(mnist, "trace mnist-model")
    assert isinstance(graph, LineageGraph)
    assert {v.name for v in graph.vertices} >= {"mnist-model", "model-build-step", "mnist-workflow"}
    bundle = formatted(mnist, graph)
    assert "image/svg+xml" in bundle and "text/plain" in bundle


def test_trace_direction_depth_and_filters(mnist):
    up = line(mnist, "trace mnist-model --direction up --depth 1")
    assert {v.name for v in up.vertices} == {"mnist-model", "model-build-step", "mnist-workflow"}
    down = line(mnist, "trace mnist-test-images --direction down --depth 1")
    assert {v.name for v in down.vertices} == {"mnist-test-images", "model-build-step"}
    deeper = line(mnist, "trace mnist-test-images --direction down --depth 2")
    assert "mnist-model" in {v.name for v in deeper.vertices}
    arts = line(mnist, "trace mnist-workflow --direction down --lineage-type artifact")
    assert {v.lineage_type for v in arts.vertices if v.arn != arts.start} == {"Artifact"}
    models = line(mnist, "trace mnist-workflow --direction down --type Model --type ModelBuild")
    assert {v.type for v in models.vertices if v.arn != models.start} == {"Model", "ModelBuild"}


def test_trace_default_depth_setting(mnist):
    ok(mnist, "%config LineageMagics.default_depth = 1")
    graph = line(mnist, "trace mnist-test-images --direction down")
    assert "mnist-model" not in {v.name for v in graph.vertices}


def test_trace_max_truncates(mnist):
    graph = line(mnist, "trace mnist-workflow --max 2")
    assert graph.truncated and len(graph.vertices) <= 2
    ok(mnist, "%config LineageMagics.max_vertices = 3")
    assert line(mnist, "trace mnist-workflow").truncated


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "text", "json"])
def test_trace_text_formats(mnist, fmt):
    shown = line(mnist, f"trace mnist-model --format {fmt}")
    text = repr(shown)
    assert "model-build-step" in text or "mnist-model" in text
    if fmt == "dot":
        assert text.startswith("digraph")
    if fmt == "json":
        assert json.loads(text)
    if fmt == "mermaid":
        assert formatted(mnist, shown)["text/markdown"].startswith("```mermaid")


def test_trace_table_and_o(mnist):
    table = line(mnist, "trace mnist-model --format table")
    assert "mnist-model" in set(table["name"])
    out = ok(mnist, "%lineage trace mnist-model -o g")
    assert out.stdout == "" and isinstance(mnist.user_ns["g"], LineageGraph)
    ok(mnist, "%lineage trace mnist-model --format mermaid -o m")
    assert "model-build-step" in str(mnist.user_ns["m"])


# -- impact / diff -------------------------------------------------------------------------------------------


def test_impact(mnist):
    report = line(mnist, "impact mnist-test-images")
    assert "mnist-model" in repr(report) and "model-build-step" in repr(report)
    ok(mnist, "%lineage impact mnist-test-images -o imp")
    assert mnist.user_ns["imp"] is not None


def test_diff(mnist):
    ok(
        mnist,
        "%%lineage context wf-v2 -o r\n"
        "artifact mnist-test-images TestData https://example.com/t10k-images-idx3-ubyte.gz\n"
        "artifact new-data DataSet s3://b/new\n",
    )
    d = line(mnist, "diff mnist-workflow wf-v2")
    assert len(d) > 0 and "new-data" in repr(d)
    ok(mnist, "%lineage diff mnist-workflow wf-v2 -o dd")
    assert len(mnist.user_ns["dd"]) == len(d)


# -- delete / cleanup -----------------------------------------------------------------------------------------


def test_delete_refuses_linked_entity_without_cascade(mnist):
    out = run(mnist, "%lineage delete mnist-model")
    assert isinstance(out.error, LineageError)
    assert "Traceback" not in out.stdout + out.stderr
    assert len(client_of(mnist).list("artifacts")) == 3


def test_delete_dry_run_then_cascade(mnist):
    plan = line(mnist, "delete mnist-model --cascade --dry-run")
    assert len(plan) >= 3  # the artifact and its two associations
    assert len(client_of(mnist).list("artifacts")) == 3
    ok(mnist, "%lineage delete mnist-model --cascade")
    assert {e.name for e in client_of(mnist).list("artifacts")} == {"mnist-test-images", "mnist-test-labels"}
    assert len(client_of(mnist).list("associations")) == 5
    ok(mnist, "%lineage create artifact lonely T s3://b/l")
    ok(mnist, "%lineage delete s3://b/l -o rep")
    assert mnist.user_ns["rep"] is not None
    assert "lonely" not in {e.name for e in client_of(mnist).list("artifacts")}


def test_cleanup_dry_run_and_run(mnist):
    plan = line(mnist, "cleanup mnist-workflow --dry-run")
    assert len(plan) == 12 and "mnist-workflow" in repr(plan)
    assert len(client_of(mnist).list("associations")) == 7
    ok(mnist, "%lineage cleanup mnist-workflow -o report")
    client = client_of(mnist)
    for kind in ("contexts", "actions", "artifacts", "associations"):
        assert len(client.list(kind)) == 0, kind


# -- export / copy / form ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("dot", lambda s: s.startswith("digraph")),
        ("svg", lambda s: "<svg" in s),
        ("mermaid", lambda s: "model-build-step" in s),
        ("json", lambda s: bool(json.loads(s))),
        ("openlineage", lambda s: isinstance(json.loads(s), list)),
    ],
)
def test_export_text_formats_to_file(mnist, tmp_path, fmt, check):
    path = tmp_path / f"out.{fmt}"
    out = ok(mnist, f"%lineage export mnist-model --format {fmt} --out {path}")
    assert f"wrote {path} ({fmt}," in out.stdout
    assert check(path.read_text())


def test_export_png_and_format_from_extension(mnist, tmp_path):
    ok(mnist, f"%lineage export mnist-model --out {tmp_path / 'g.png'}")
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ok(mnist, f"%lineage export mnist-model --out {tmp_path / 'g.dot'} --direction up --depth 1")
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


def test_export_to_a_path_that_cannot_be_written_is_one_line(mnist, tmp_path):
    out = run(mnist, f"%lineage export mnist-model --out {tmp_path / 'missing-folder' / 'g.svg'}")
    assert isinstance(out.error, LineageError) and str(out.error).startswith("cannot write ")
    assert "Traceback" not in out.stdout + out.stderr


def test_export_shown_inline_and_o(mnist):
    assert "image/svg+xml" in formatted(mnist, line(mnist, "export mnist-model --format svg"))
    assert "image/png" in formatted(mnist, line(mnist, "export mnist-model --format png"))
    assert repr(line(mnist, "export mnist-model --format dot")).startswith("digraph")
    ok(mnist, "%lineage export mnist-model --format openlineage -o events")
    assert isinstance(json.loads(mnist.user_ns["events"]), list)


def test_copy_to_another_store_is_idempotent(mnist, tmp_path):
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    first = line(mnist, f"copy {target}")
    assert first.changed
    other = LineageClient(target)
    assert {e.name for e in other.list("artifacts")} == {
        "mnist-test-images",
        "mnist-test-labels",
        "mnist-model",
    }
    assert len(other.list("associations")) == 7
    assert not line(mnist, f"copy {target}").changed
    part = f"sqlite:///{tmp_path / 'part.db'}"
    ok(mnist, f"%lineage copy {part} mnist-test-images --depth 1 -o rep")
    names = {e.name for e in LineageClient(part).list("artifacts")} | {
        e.name for e in LineageClient(part).list("actions")
    }
    assert "mnist-test-images" in names and "mnist-model" not in names
    with pytest.raises(UsageError, match="not a lineage URL"):
        line(mnist, "copy nowhere")


def test_import_a_json_export_into_another_store(mnist, tmp_path):
    export = tmp_path / "mnist.json"
    ok(mnist, f"%lineage export mnist-workflow --format json --depth 2 --out {export}")
    ok(mnist, f"%lineage use sqlite:///{tmp_path / 'imported.db'}")
    first = line(mnist, f"import {export}")
    assert first.bulk and first.created == {"contexts": 1, "actions": 1, "artifacts": 3, "associations": 7}
    imported = client_of(mnist)
    images = imported.get("mnist-test-images")
    assert (images.type, images.source_uri) == ("TestData", "https://example.com/t10k-images-idx3-ubyte.gz")
    workflow = imported.get("mnist-workflow", "context")  # exported without describing: its ARN is its source
    assert workflow.type == "MLWorkflow" and workflow.source_uri.endswith(":context/mnist-workflow")
    assert pairs(imported) == MNIST_PAIRS
    again = line(mnist, f"import {export}")
    assert not again.changed and again.existing["associations"] == 7
    missing = run(mnist, f"%lineage import {tmp_path / 'nope.json'}")
    assert "cannot read" in missing.stderr + missing.stdout and "Traceback" not in missing.stderr


@pytest.mark.parametrize("kind", ["entity", "link", "explore", "cleanup"])
def test_form_builds_each_widget(mnist, kind):
    from lineage_magics import widgets

    form = line(mnist, f"form {kind}")
    assert isinstance(form, widgets.FORMS[kind])


def test_form_with_ref_and_o(mnist):
    from lineage_magics import widgets

    ok(mnist, "%lineage form explore mnist-model -o f")
    assert isinstance(mnist.user_ns["f"], widgets.ExploreForm)
    with pytest.raises(UsageError, match="invalid choice"):
        line(mnist, "form wizard")


# -- shell behaviour: $var, {expr}, ';' ----------------------------------------------------------------------------


def test_variables_expand_in_the_line(mnist):
    mnist.user_ns["name"] = "mnist-model"
    mnist.user_ns["d"] = 1
    ok(mnist, "%lineage trace $name --depth {d + 0} --direction up -o g")
    assert mnist.user_ns["g"].vertex(mnist.user_ns["g"].start).name == "mnist-model"


def test_trailing_semicolon_silences(mnist):
    out = ok(mnist, "%lineage list contexts;")
    assert out.value is None and out.stdout == ""
    out = ok(mnist, "%lineage list contexts")
    assert out.value is not None and "mnist-workflow" in out.stdout


def test_more_options(mnist, tmp_path):
    ok(mnist, "%lineage create experiment exp2")
    ok(mnist, "%lineage create trial tr2 --experiment exp2")
    ok(mnist, "%lineage create trial-component tc2")
    assert len(line(mnist, "list trial-components --trial tr2")) == 0
    assert [e.name for e in line(mnist, "list trials --experiment exp2")] == ["tr2"]
    first = line(mnist, "create context mnist-workflow Other --exist-ok")
    assert first.type == "MLWorkflow"
    art = line(mnist, "create artifact again Model s3://bucket/model.tar.gz --exist-ok")
    assert art.arn == client_of(mnist).get("mnist-model").arn
    path = tmp_path / "f.json"
    ok(mnist, f"%lineage export mnist-workflow --out {path} --direction down --lineage-type Action --max 10")
    names = {v["name"] for v in json.loads(path.read_text())["vertices"]}
    assert names - {"mnist-workflow"} == {"model-build-step"}  # the start may be kept
    graph = line(mnist, "trace mnist-workflow --direction down --format svg --type Model")
    assert {v.name for v in graph.vertices} - {"mnist-workflow"} == {"mnist-model"}


def test_a_trailing_comment_on_a_line_magic_is_ignored(ip):
    ip.run_cell("%lineage create context c1 Workflow")
    result = ip.run_cell("%lineage show c1   # what is in it")
    assert result.success, result.error_in_exec
    result = ip.run_cell("%lineage show 'c1#x'")
    assert not result.success  # a quoted '#' is part of the word


def test_delete_refused_for_associations_points_to_cascade(mnist):
    out = run(mnist, "%lineage delete mnist-model")
    assert out.error is not None
    text = str(out.error)
    assert "cannot be deleted" in text and "%lineage delete mnist-model --cascade" in text
    assert "\n" not in text
    assert client_of(mnist).get("mnist-model").name == "mnist-model"  # still there


def test_list_without_a_kind_counts_every_kind(mnist):
    shown = line(mnist, "list")
    assert dict(shown.rows) == {
        "contexts": "1", "actions": "1", "artifacts": "3", "associations": "7",
        "experiments": "0", "trials": "0", "trial-components": "0",
    }  # fmt: skip
    assert "%lineage list KIND" in repr(shown)


def test_export_json_without_properties_names_every_vertex_with_fewer_describes(ip):
    client = client_of(ip)
    client.create_action("prepare", "Processing")
    for n in range(8):
        client.create_artifact(
            f"s3://bucket/shard-{n}", "DataSet", name=f"shard-{n}", properties={"n": str(n)}
        )
        client.associate(f"shard-{n}", "prepare")
    client.api.trace_via_api = True  # QueryLineage and describes, as against SageMaker
    calls: list[str] = []
    client.sagemaker.meta.events.register_first(
        "before-call.sagemaker.*", lambda model, **_: calls.append(model.name)
    )

    def export(options: str) -> tuple[dict, list[str]]:
        client.api.artifacts.forget()  # what this session knows of artifacts: nothing yet
        calls.clear()
        out = json.loads(line(ip, f"export prepare --format json --direction up {options}").text)
        return out, list(calls)

    lean, lean_calls = export("--no-properties")
    assert sorted(v["name"] for v in lean["vertices"]) == ["prepare", *(f"shard-{n}" for n in range(8))]
    assert all("properties" not in v for v in lean["vertices"])
    assert lean_calls.count("DescribeArtifact") == 0 and lean_calls.count("ListArtifacts") == 1, lean_calls
    full, full_calls = export("")
    assert [v["name"] for v in full["vertices"]] == [v["name"] for v in lean["vertices"]]
    assert full_calls.count("DescribeArtifact") == 8 and {
        v["properties"].get("n") for v in full["vertices"]
    } > {"0"}
    with pytest.raises(UsageError, match="--no-properties applies to --format json"):
        line(ip, "export prepare --format svg --no-properties")
