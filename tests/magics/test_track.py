"""%%lineage track: the cell runs like a normal cell and is recorded as an action with inputs and outputs."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from IPython.core.error import UsageError

from lineage_magics.errors import LineageError, NotFoundError

from .conftest import arn_pairs, client_of, ok, pairs, run


def test_success_records_completed_action_with_properties(ip):
    code = "x = 40\ny = x + 2\ny"
    out = ok(ip, f"%%lineage track compute --type Calc\n{code}")
    assert out.value == 42 and ip.user_ns["y"] == 42
    action = client_of(ip).get("compute")
    assert (action.type, action.status) == ("Calc", "Completed")
    props = action.properties
    assert props["code_sha256"] == hashlib.sha256(code.encode()).hexdigest()
    start, end = datetime.fromisoformat(props["start_time"]), datetime.fromisoformat(props["end_time"])
    assert start <= end and float(props["duration_seconds"]) >= 0
    assert "error" not in props


def test_failure_is_recorded_and_still_raised(ip):
    out = run(ip, "%%lineage track flaky\nstep = 'started'\n1 / 0\n")
    assert isinstance(out.error, ZeroDivisionError)
    assert ip.user_ns["step"] == "started"
    action = client_of(ip).get("flaky")
    assert action.status == "Failed"
    assert action.properties["error"] == "ZeroDivisionError: division by zero"
    assert "end_time" in action.properties
    # a later successful run clears the error
    ok(ip, "%%lineage track flaky\nstep = 'done'\n")
    action = client_of(ip).get("flaky")
    assert action.status == "Completed" and "error" not in action.properties


def test_inputs_outputs_and_context_are_linked(ip):
    ok(ip, "%lineage create context wf Workflow")
    ok(ip, "%lineage create artifact raw DataSet s3://b/raw")
    ok(
        ip,
        "%%lineage track train --type Training --context wf --input raw s3://b/extra "
        "--output s3://b/model.tar.gz --output-type Model\nmodel = 'trained'\n",
    )
    client = client_of(ip)
    got = pairs(client)
    assert ("wf", "train", "AssociatedWith") in got
    assert ("raw", "train", "ContributedTo") in got
    train = client.get("train").arn
    extra = client.get("s3://b/extra")
    assert extra.type == "DataSet" and (extra.arn, train, "ContributedTo") in arn_pairs(client)
    model = client.get("s3://b/model.tar.gz")
    assert model.type == "Model" and (train, model.arn, "Produced") in arn_pairs(client)


def test_local_files_get_file_uri_and_md5(ip, tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n")
    out_file = tmp_path / "out.txt"
    ok(
        ip,
        f"%%lineage track prep --input {data} --output {out_file}\n"
        f"open({str(out_file)!r}, 'w').write('result')\n",
    )
    client = client_of(ip)
    src = client.get(f"file://{data}")
    assert src.source_types == [
        {"SourceIdType": "MD5Hash", "Value": hashlib.md5(data.read_bytes()).hexdigest()}
    ]
    dst = client.get(f"file://{out_file}")
    assert dst.source_types == [{"SourceIdType": "MD5Hash", "Value": hashlib.md5(b"result").hexdigest()}]
    prep = client.get("prep").arn
    got = arn_pairs(client)
    assert (src.arn, prep, "ContributedTo") in got and (prep, dst.arn, "Produced") in got


def test_cell_sees_and_sets_user_namespace_and_magics(ip):
    ip.user_ns["base"] = 5
    ok(ip, "%%lineage track uses-ns\nimport math\nresult = base * 2\nmagic_out = %lineage list actions\n")
    assert ip.user_ns["result"] == 10 and ip.user_ns["math"].pi > 3
    assert [e.name for e in ip.user_ns["magic_out"]] == ["uses-ns"]


def test_unknown_input_fails_before_running(ip):
    out = run(ip, "%%lineage track never --input no-such-thing\nran = True\n")
    assert isinstance(out.error, NotFoundError)
    assert "ran" not in ip.user_ns
    assert len(client_of(ip).list("actions")) == 0
    assert "Traceback" not in out.stdout + out.stderr


def test_syntax_error_records_nothing(ip):
    out = run(ip, "%%lineage track broken\ndef (:\n")
    assert isinstance(out.error, SyntaxError)
    assert len(client_of(ip).list("actions")) == 0


def test_bad_name_and_o(ip):
    with pytest.raises(UsageError, match="breaks SageMaker's rule"):
        ip.run_cell_magic("lineage", "track bad_name", "1")
    out = ok(ip, "%%lineage track named -o act\n7\n")
    assert out.value is None and ip.user_ns["act"].name == "named"


def test_track_is_a_cell_verb(ip):
    with pytest.raises(UsageError, match="track is a cell verb"):
        ip.run_line_magic("lineage", "track x")


def test_action_is_in_progress_while_the_cell_runs(ip):
    ok(
        ip,
        "%%lineage track live-run --input s3://b/in --input-type Images\n%lineage show live-run -o during\n",
    )
    assert ip.user_ns["during"].status == "InProgress"
    assert client_of(ip).get("live-run").status == "Completed"
    assert client_of(ip).get("s3://b/in").type == "Images"


def test_directory_input_and_missing_output(ip, tmp_path):
    out = run(ip, f"%%lineage track dir-step --input {tmp_path} --output {tmp_path / 'never.txt'}\nx = 1\n")
    assert isinstance(out.error, LineageError) and "does not exist after the cell ran" in str(out.error)
    client = client_of(ip)
    folder = client.get(f"file://{tmp_path}")
    assert folder.source_types == []
    assert (folder.arn, client.get("dir-step").arn, "ContributedTo") in arn_pairs(client)


def test_new_artifacts_are_named_after_their_files(ip, tmp_path):
    """Inputs/outputs get an ArtifactName from the file name; an existing artifact (same Source) is kept."""
    data = tmp_path / "train data.v2.csv"
    data.write_text("a\n1\n")
    model = tmp_path / "model.pkl"
    ok(ip, "%lineage create artifact raw DataSet s3://b/raw")
    cell = (
        f"%%lineage track fit --input {str(data)!r} s3://b/raw --input {tmp_path} "
        f"--output {model} s3://b/out/model.tar.gz\nopen({str(model)!r}, 'w').write('m')\n"
    )
    ok(ip, cell)
    client = client_of(ip)
    named = {a.source_uri: a.name for a in client.list("artifacts")}
    assert named == {
        f"file://{data}": "train-data-v2-csv",
        "s3://b/raw": "raw",
        f"file://{tmp_path}": tmp_path.name.replace("_", "-"),
        f"file://{model}": "model-pkl",
        "s3://b/out/model.tar.gz": "model-tar-gz",
    }
    ok(ip, cell)  # identity is the Source: nothing new
    assert len(client.list("artifacts")) == 5
    assert ("fit", "model-pkl", "Produced") in pairs(client)
    shown = ok(ip, "%lineage show fit").stdout
    assert "fit -[Produced]-> model-pkl" in shown and "train-data-v2-csv -[ContributedTo]-> fit" in shown


def test_a_failing_cells_traceback_starts_at_the_users_code(ip):
    """As if the cell ran without the magic: the same frames, with the cell's own number, and the
    lineage record in one line."""
    import re as _re

    from IPython.utils.capture import capture_output

    body = "def inner():\n    raise ValueError('bad input')\ninner()\n"

    def shown(cell):
        number = ip.execution_count
        with capture_output() as captured:
            result = ip.run_cell(cell, store_history=True)
        assert type(result.error_in_exec) is ValueError
        text = _re.sub(r"\x1b\[[0-9;]*m", "", captured.stdout + captured.stderr)
        return number, text

    plain_number, plain = shown(body)
    number, tracked = shown("%%lineage track failing-step\n" + body)

    def frames(text, n):
        cell = _re.compile(rf"(Cell In\[{n}\]|File <ipython-input-{n}-[0-9a-f]+>)")
        lines = [line for line in text.splitlines() if line.startswith(("Cell In[", "File "))]
        assert lines and all(cell.match(line) for line in lines), (n, text)
        return [cell.sub("CELL", line) for line in lines]

    assert frames(tracked, number) == frames(plain, plain_number)  # the user's code, nothing else
    assert "run_cell_magic" not in tracked and "lineage_magics" not in tracked
    assert "ValueError: bad input" in tracked
    assert "lineage: recorded as action 'failing-step' (Failed)" in tracked
    assert client_of(ip).get("failing-step").status == "Failed"
