"""Every verb of the ``lineage`` command, run as the real console script, on SQLite and over ``lineage serve``."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from .conftest import MNIST_NAMES, WORKFLOW, one_error_line


def test_apply_is_idempotent_and_dry_run_shows_the_plan(backend):
    (backend.tmp / "workflow.lineage").write_text(WORKFLOW)
    plan = backend.ok("apply", "workflow.lineage", "--dry-run")
    assert "would change: 5 created, 7 linked" in plan.out
    assert "would create artifact mnist-model (Model)" in plan.out
    assert "would link model-build-step -> mnist-model (Produced)" in plan.out
    assert backend.state() == (set(), set())  # a dry run writes nothing

    first = backend.ok("apply", "workflow.lineage", "--format", "json").json()
    assert first["changed"] and len(first["created"]) == 5 and len(first["linked"]) == 7
    after_first = backend.state()
    assert {name for _, name, _ in after_first[0]} == MNIST_NAMES and len(after_first[1]) == 7

    second = backend.ok("apply", "workflow.lineage", "--format", "json").json()
    assert not second["changed"] and second["created"] == second["linked"] == []
    assert backend.state() == after_first
    assert backend.ok("apply", "workflow.lineage", "--check").code == 0  # the store matches the file

    edited = WORKFLOW.replace("status=Completed", "status=Failed")
    (backend.tmp / "workflow.lineage").write_text(edited)
    line = one_error_line(backend("apply", "workflow.lineage", "--check"), 1)
    assert "would change: 1 updated" in line and "--check" in line
    assert backend.state() == after_first


def test_apply_reads_stdin_and_takes_the_name_from_the_command_line(local):
    body = WORKFLOW.split("\n", 1)[1]  # without the %%lineage line
    done = local.ok("apply", "-", "mnist-workflow", "--type", "MLWorkflow", input=body)
    assert "changed: 5 created, 7 linked" in done.out
    line = one_error_line(local("apply", "-", input=body), 2)
    assert "give the context NAME" in line


def test_a_failed_apply_writes_nothing(backend):
    bad_line = WORKFLOW.replace(
        "mnist-test-labels -> model-build-step", "mnist-test-labels => model-build-step"
    )
    (backend.tmp / "bad.lineage").write_text(bad_line)
    line = one_error_line(backend("apply", "bad.lineage"), 1)
    assert "line 9:" in line  # the file's own line numbers
    unknown_ref = WORKFLOW + "mnist-model -> no-such-entity\n"
    (backend.tmp / "unknown.lineage").write_text(unknown_ref)
    line = one_error_line(backend("apply", "unknown.lineage"), 1)
    assert "no-such-entity" in line
    assert backend.state() == (set(), set())
    one_error_line(backend("apply", "missing.lineage"), 2)


def test_status_list_and_show(backend):
    backend.mnist()
    status = backend.ok("status", "--format", "json").json()
    assert status["counts"]["artifacts"] == {"used": 3, "limit": 6000}
    assert status["url"].startswith(("sqlite:", "http:"))
    assert "artifacts" in backend.ok("status").out

    rows = backend.ok("list", "artifacts", "--format", "json").json()
    assert {r["name"] for r in rows} == {"mnist-test-images", "mnist-test-labels", "mnist-model"}
    table = list(csv.DictReader(io.StringIO(backend.ok("list", "artifacts", "--format", "csv").out)))
    assert [r["arn"] for r in table] == [r["arn"] for r in rows]
    assert json.loads(table[0]["properties"]) == rows[0]["properties"]
    text = backend.ok("list", "artifacts").out.splitlines()
    assert text[0].split() == ["kind", "name", "type", "source_uri", "status", "created", "arn"]
    assert len(text) == 2 + 3
    counts = backend.ok("list", "--format", "json").json()
    assert {"kind": "associations", "count": "7"} in counts

    shown = backend.ok("show", "model-build-step", "--format", "json").json()
    assert shown["entity"]["status"] == "Completed" and shown["entity"]["properties"] == {
        "Example": "Metadata"
    }
    assert len(shown["associations"]) == 4
    text = backend.ok("show", "s3://bucket/model.tar.gz").out
    assert "name        mnist-model" in text and "model-build-step  Produced" in text
    line = one_error_line(backend("show", "no-such-thing"), 1)
    assert "no-such-thing" in line


def test_create_link_unlink_delete_and_cleanup(backend):
    backend.ok("create", "context", "ctx-a", "Workflow")
    made = backend.ok("create", "artifact", "data-a", "DataSet", "s3://b/a.csv", "rows=10", "--context", "ctx-a",
                      "--format", "json").json()  # fmt: skip
    assert made["name"] == "data-a" and made["properties"] == {"rows": "10"}
    backend.ok("create", "action", "step-a", "Processing", "status=Completed")
    linked = backend.ok("link", "data-a", "step-a", "--format", "json").json()
    assert linked["type"] == "ContributedTo"
    assert ("data-a", "step-a", "ContributedTo") in backend.state()[1]
    assert "would create" in backend.ok("create", "context", "ctx-b", "Workflow", "--dry-run").out
    one_error_line(backend("create", "context", "ctx-a", "Workflow"), 1)  # already exists

    assert backend.ok("unlink", "data-a", "step-a").out.strip() == "unlinked data-a -> step-a"
    assert ("data-a", "step-a", "ContributedTo") not in backend.state()[1]

    line = one_error_line(backend("delete", "data-a"), 1)  # it still has an association
    assert "lineage delete data-a --cascade" in line  # the hint in the terminal's words
    plan = backend.ok("delete", "data-a", "--cascade", "--dry-run", "--format", "json").json()
    assert plan["dry_run"] and [e["name"] for e in plan["entities"]] == ["data-a"]
    assert any(n == "data-a" for _, n, _ in backend.state()[0])
    report = backend.ok("delete", "data-a", "--cascade", "--format", "json").json()
    assert [e["name"] for e in report["deleted_entities"]] == ["data-a"] and report["errors"] == []
    assert not any(n == "data-a" for _, n, _ in backend.state()[0])

    backend.mnist()
    assert "deletes" in backend.ok("cleanup", "mnist-workflow", "--dry-run").out
    done = backend.ok("cleanup", "mnist-workflow")
    assert done.out.startswith("mnist-workflow: deleted 5 entities")
    assert "%|" not in done.err  # no progress bar when stderr is not a terminal
    assert {n for _, n, _ in backend.state()[0]} == {"ctx-a", "step-a"}


def test_trace_in_every_format(backend):
    backend.mnist()
    tree = backend.ok("trace", "mnist-model", "--direction", "up").out
    assert tree.startswith("lineage: 5 vertices") and "mnist-model [Model · Artifact]  (start)" in tree
    graph = backend.ok("trace", "mnist-model", "--direction", "up", "--format", "json").json()
    assert {v["name"] for v in graph["vertices"]} == MNIST_NAMES
    table = list(csv.DictReader(io.StringIO(backend.ok("trace", "mnist-model", "--format", "csv").out)))
    assert {r["name"] for r in table} == MNIST_NAMES and table[0]["depth"] == "0"
    svg = ET.fromstring(backend.ok("trace", "mnist-model", "--format", "svg").out.split("?>", 1)[-1].lstrip())
    assert svg.tag.endswith("svg")
    assert backend.ok("trace", "mnist-model", "--format", "dot").out.startswith("digraph")
    assert "mnist-model" in backend.ok("trace", "mnist-model", "--format", "mermaid").out
    events = backend.ok("trace", "mnist-model", "--format", "openlineage").json()
    assert events and all(e["eventType"] for e in events)
    png = backend("trace", "mnist-model", "--format", "png", binary=True)
    assert png.code == 0 and png.out.startswith(b"\x89PNG")


def test_require_type_is_a_check(backend):
    backend.mnist()
    args = ("trace", "mnist-model", "--direction", "up", "--depth", "25")
    assert backend(*args, "--require-type", "TestData", "--quiet").code == 0
    failed = backend(*args, "--require-type", "DataSet")
    line = one_error_line(failed, 1)
    assert line == "lineage trace: no DataSet upstream of mnist-model within 25 hops"
    assert failed.out.startswith("lineage: 5 vertices")  # the trace is still printed
    assert one_error_line(backend("trace", "mnist-test-images", "--direction", "up", "--require-type",
                                  "Artifact"), 1)  # fmt: skip
    assert (
        backend("trace", "mnist-test-images", "--direction", "down", "--require-type", "Model", "-q").code
        == 0
    )


def test_export_writes_the_format_its_file_names(backend):
    backend.mnist()
    done = backend.ok("export", "mnist-model", "--direction", "up", "--out", "lineage.svg")
    assert done.out == "" and "wrote lineage.svg (svg)" in done.err
    assert ET.parse(backend.tmp / "lineage.svg").getroot().tag.endswith("svg")
    backend.ok("export", "mnist-model", "--format", "openlineage", "--out", "events.json")
    assert json.loads((backend.tmp / "events.json").read_text())[0]["eventType"]
    backend.ok("export", "mnist-model", "--out", "lineage.png", "-q")
    assert (backend.tmp / "lineage.png").read_bytes().startswith(b"\x89PNG")
    line = one_error_line(backend("export", "mnist-model"), 2)
    assert "give --format" in line
    one_error_line(backend("export", "mnist-model", "--format", "csv"), 2)  # not an export format


def test_impact_and_diff(backend):
    backend.mnist()
    rows = backend.ok("impact", "mnist-test-images", "--format", "json").json()
    assert {(r["name"], r["depth"]) for r in rows} == {("model-build-step", 1), ("mnist-model", 2)}
    table = list(
        csv.DictReader(io.StringIO(backend.ok("impact", "mnist-test-images", "--format", "csv").out))
    )
    assert table[-1]["path"] == "mnist-test-images -> model-build-step -> mnist-model"
    assert "2 downstream" in backend.ok("impact", "mnist-test-images").out

    v2 = WORKFLOW.replace("mnist-workflow", "mnist-v2").replace("model-build-step", "model-build-v2")
    (backend.tmp / "v2.lineage").write_text(v2)
    backend.ok("apply", "v2.lineage")
    assert backend.ok("diff", "mnist-workflow", "mnist-workflow", "--check").out.strip().endswith(
        "no differences>")  # fmt: skip
    done = backend("diff", "mnist-workflow", "mnist-v2", "--check", "--format", "csv")
    line = one_error_line(done, 1)
    assert "differ" in line
    changes = list(csv.DictReader(io.StringIO(done.out)))
    assert changes and {"change", "what", "name"} <= set(changes[0])


def test_copy_and_import(backend, tmp_path):
    backend.mnist()
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    report = backend.ok("copy", target, "--format", "json").json()
    assert report["created"]["artifacts"] == 3 and report["errors"] == []
    again = backend.ok("copy", target, "--format", "json").json()
    assert sum(again["created"].values()) == 0  # nothing copied twice
    names = {r["name"] for r in backend.ok("list", "artifacts", "--format", "json", url=target).json()}
    assert names == {"mnist-test-images", "mnist-test-labels", "mnist-model"}

    backend.ok("export", "mnist-workflow", "--direction", "down", "--out", "lineage.json")
    other = f"sqlite:///{tmp_path / 'imported.db'}"
    imported = backend.ok("import", "lineage.json", "--format", "json", url=other).json()
    assert imported["created"]["contexts"] == 1
    assert "0 new" in backend.ok("import", "lineage.json", url=other).out


def test_usage_errors_exit_2_in_one_line(local):
    assert "did you mean 'trace'" in one_error_line(local("trce", "x"), 2)
    assert "did you mean '--depth'" in one_error_line(local("trace", "x", "--dept", "3"), 2)
    assert "REF" in one_error_line(local("trace"), 2)
    assert "invalid choice" in one_error_line(local("trace", "x", "--format", "gif"), 2)
    assert "--format takes text, json" in one_error_line(local("list", "artifacts", "--out", "a.svg"), 2)
    assert "not a lineage URL" in one_error_line(local("status", "--url", "postgres://x"), 2)
    assert "at least 1" in one_error_line(local("list", "artifacts", "--limit", "0"), 2)
    assert not (local.tmp / "a.svg").exists()
    nothing = local()
    assert nothing.code == 2 and "COMMAND" in nothing.err


def test_lineage_errors_exit_1_in_one_line(local, tmp_path):
    line = one_error_line(local("show", "nothing-here"), 1)
    assert line.startswith("lineage show: ")
    refused = local("status", url="http://127.0.0.1:9")  # nothing listens on the discard port
    assert "127.0.0.1:9" in one_error_line(refused, 1)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 100)
    assert "not a lineage-magics store" in one_error_line(local("status", url=f"sqlite:///{junk}"), 1)


def test_global_options_before_the_command(local):
    local.mnist()
    other = f"sqlite:///{local.tmp / 'other.db'}"
    assert local.ok("--url", other, "list", "artifacts", "--format", "json").json() == []
    assert local.ok("-q", "list", "artifacts").out == ""
    assert len(local.ok("list", "artifacts", "--format", "json").json()) == 3


def test_runs_lists_an_experiments_runs_with_search_filters(backend):
    from lineage_magics import LineageClient

    sm = LineageClient(backend.url, progress=False).sagemaker
    sm.create_experiment(ExperimentName="exp")
    sm.create_trial(TrialName="exp-trial", ExperimentName="exp")
    for name, lr in (("run-a", 0.1), ("run-b", 0.01), ("run-c", 0.001)):
        sm.create_trial_component(
            TrialComponentName=f"exp-{name}",
            Parameters={"lr": {"NumberValue": lr}, "opt": {"StringValue": "adam"}},
        )
        sm.associate_trial_component(TrialComponentName=f"exp-{name}", TrialName="exp-trial")

    rows = backend.ok("runs", "exp", "--sort-by", "Parameters.lr", "--format", "json").json()
    assert [r["run"] for r in rows] == ["run-c", "run-b", "run-a"]
    assert [r["lr"] for r in rows] == [0.001, 0.01, 0.1] and {r["opt"] for r in rows} == {"adam"}
    table = list(csv.DictReader(io.StringIO(backend.ok("runs", "exp", "--where", "Parameters.lr > 0.005",
                                                        "--format", "csv").out)))  # fmt: skip
    assert sorted(r["run"] for r in table) == ["run-a", "run-b"]
    assert backend.ok("runs", "exp").out.splitlines()[:2] == [
        "3 runs of experiment exp",
        "run    status  duration (s)  lr     opt",
    ]
    assert "write NAME OPERATOR VALUE" in one_error_line(backend("runs", "exp", "--where", "lr ~ 1"), 2)
    assert "unknown operator" in one_error_line(backend("runs", "exp", "--where", "lr like 1"), 2)
    assert "exp-nope" in one_error_line(backend("runs", "exp-nope"), 1)
