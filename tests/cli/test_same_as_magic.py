"""The same verb with the same arguments gives the same result from ``%lineage`` and from ``lineage``.

Each case builds two equal stores (the MNIST workflow and a second version of it), runs the magic on one
(in a real InteractiveShell, ``-o v`` keeping its value) and the console script on the other
(``--format json``), then compares what each answered and what each left in its store.
"""

from __future__ import annotations

import json

import pytest
from IPython.utils.capture import capture_output

from lineage_magics import LineageClient
from lineage_magics.magics.dsl import parse_cell

from ..magics.conftest import make_shell
from .conftest import WORKFLOW, run_command, store_state

BODY = WORKFLOW.split("\n", 1)[1]
V2 = BODY.replace("model-build-step", "model-build-v2")


def make_store(path) -> str:
    url = f"sqlite:///{path}"
    client = LineageClient(url, progress=False)
    client.apply(parse_cell(BODY, "mnist-workflow", context_type="MLWorkflow"))
    client.apply(parse_cell(V2, "mnist-v2", context_type="MLWorkflow"))
    return url


@pytest.fixture
def pair(tmp_path, monkeypatch):
    """``(magic, command)``: run one line on store A through %lineage, and on store B through lineage."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("LINEAGE_MAGICS_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    a, b = make_store(tmp_path / "a.db"), make_store(tmp_path / "b.db")
    shell = make_shell(a)

    class Pair:
        stores = (a, b)

        def magic(self, source: str):
            """Run ``source`` as a cell; the value of ``v`` (set by ``-o v``) and the cell's own value."""
            shell.user_ns.pop("v", None)
            with capture_output():
                result = shell.run_cell(source, store_history=False)
            assert result.error_before_exec is None and result.error_in_exec is None, result
            return shell.user_ns.get("v"), result.result

        def command(self, *args: str, fmt: str = "json"):
            done = run_command(*args, "--format", fmt, url=b, home=tmp_path, cwd=tmp_path)
            assert done.code == 0, done
            return done.json() if fmt == "json" else done.out

        def same_stores(self) -> bool:
            return store_state(a) == store_state(b)

    yield Pair()
    shell.run_line_magic("unload_ext", "lineage_magics")


def test_status(pair):
    v, _ = pair.magic("%lineage status -o v")
    data = pair.command("status")
    assert {k: tuple(c.values()) for k, c in data["counts"].items()} == v.counts


def test_list(pair):
    v, _ = pair.magic("%lineage list artifacts --type TestData -o v")
    assert [r["arn"] for r in pair.command("list", "artifacts", "--type", "TestData")] == [e.arn for e in v]


def test_show(pair):
    v, _ = pair.magic("%lineage show model-build-step -o v")
    data = pair.command("show", "model-build-step")["entity"]
    assert (data["arn"], data["status"], data["properties"]) == (v.arn, v.status, v.properties)


def test_create(pair):
    line = "create artifact extra-data DataSet s3://bucket/extra.csv rows=10 --context mnist-workflow"
    v, _ = pair.magic(f"%lineage {line} -o v")
    data = pair.command(*line.split())
    assert (data["arn"], data["properties"]) == (v.arn, v.properties)
    assert pair.same_stores()


def test_link(pair):
    v, _ = pair.magic("%lineage link mnist-test-images mnist-model DerivedFrom -o v")
    data = pair.command("link", "mnist-test-images", "mnist-model", "DerivedFrom")
    assert (data["source_arn"], data["destination_arn"], data["type"]) == (
        v.source_arn, v.destination_arn, v.type
    )  # fmt: skip
    assert pair.same_stores()


def test_unlink(pair):
    _, shown = pair.magic("%lineage unlink mnist-test-images model-build-step")
    assert pair.command("unlink", "mnist-test-images", "model-build-step", fmt="text") == f"{shown!r}\n"
    assert pair.same_stores()


def test_trace(pair):
    v, _ = pair.magic("%lineage trace mnist-model --direction up --depth 5 -o v")
    assert pair.command("trace", "mnist-model", "--direction", "up", "--depth", "5") == json.loads(
        v.to_json()
    )


def test_impact(pair):
    v, _ = pair.magic("%lineage impact mnist-test-images -o v")
    rows = pair.command("impact", "mnist-test-images")
    assert [(r["arn"], r["depth"]) for r in rows] == [
        (it.vertex.arn, it.depth) for g in v.groups.values() for it in g
    ]


def test_diff(pair):
    v, _ = pair.magic("%lineage diff mnist-workflow mnist-v2 -o v")
    assert pair.command("diff", "mnist-workflow", "mnist-v2") == json.loads(json.dumps(v.rows()))
    assert not v.same


def test_delete(pair):
    v, _ = pair.magic("%lineage delete model-build-step --cascade -o v")
    data = pair.command("delete", "model-build-step", "--cascade")
    assert [e["arn"] for e in data["deleted_entities"]] == [e.arn for e in v.deleted_entities]
    assert len(data["deleted_associations"]) == len(v.deleted_associations) == 4
    assert pair.same_stores()


def test_cleanup(pair):
    v, _ = pair.magic("%lineage cleanup mnist-v2 -o v")
    data = pair.command("cleanup", "mnist-v2")
    assert sorted(e["arn"] for e in data["deleted_entities"]) == sorted(e.arn for e in v.deleted_entities)
    assert pair.same_stores()


def test_export(pair):
    v, _ = pair.magic("%lineage export mnist-workflow --format mermaid --direction down -o v")
    out = pair.command("export", "mnist-workflow", "--direction", "down", fmt="mermaid")
    assert out == (v if v.endswith("\n") else v + "\n")


def test_copy(pair, tmp_path):
    v, _ = pair.magic(f"%lineage copy sqlite:///{tmp_path}/copy-a.db mnist-workflow -o v")
    data = pair.command("copy", f"sqlite:///{tmp_path}/copy-b.db", "mnist-workflow")
    assert (data["created"], data["existing"]) == (v.created, v.existing)
    assert store_state(f"sqlite:///{tmp_path}/copy-a.db") == store_state(f"sqlite:///{tmp_path}/copy-b.db")


def test_import(pair, tmp_path):
    (tmp_path / "export.json").write_text(
        LineageClient(pair.stores[0]).trace("mnist-v2", direction="both").to_json()
    )
    for url in pair.stores:
        LineageClient(url).cleanup("mnist-v2")
    v, _ = pair.magic("%lineage import export.json -o v")
    data = pair.command("import", "export.json")
    assert (data["created"], data["existing"]) == (v.created, v.existing) and sum(v.created.values()) > 0
    assert pair.same_stores()


def test_context_cell_and_apply(pair, tmp_path):
    body = V2.replace("model-build-v2", "model-build-v3")
    v, _ = pair.magic(f"%%lineage context mnist-v3 --type MLWorkflow -o v\n{body}")
    (tmp_path / "v3.lineage").write_text(body)
    data = pair.command("apply", "v3.lineage", "mnist-v3", "--type", "MLWorkflow")
    assert (data["created"], data["linked"], data["unchanged"]) == (v.created, v.linked, v.unchanged)
    assert pair.same_stores()
