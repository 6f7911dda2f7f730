"""``%lineage runs`` and ``%%lineage track --experiment`` in a real InteractiveShell."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from lineage_magics.connect import connect_metrics

from .conftest import client_of, formatted, ok, run


@pytest.fixture
def runs(ip):
    """Experiment ``mnist`` with three runs recorded by tracked cells, and metrics logged to two."""
    ok(ip, "%%lineage track --experiment mnist --run lr-1 --input s3://b/train.csv --output s3://b/m1\nx = 1")
    ok(ip, "%%lineage track fit --experiment mnist --run lr-2 --input s3://b/train.csv\nx = 2")
    run(ip, "%%lineage track --experiment mnist --run broken\nraise ValueError('no data')")
    sm = client_of(ip).sagemaker
    metrics = connect_metrics(sm)
    now = time.time()
    for name, lr, losses in (("mnist-lr-1", 0.1, [0.9, 0.4]), ("mnist-lr-2", 0.01, [0.8, 0.6, 0.7])):
        sm.update_trial_component(TrialComponentName=name, Parameters={"lr": {"NumberValue": lr}})
        data = [
            {"MetricName": "loss", "Timestamp": now + i, "Step": i, "Value": v} for i, v in enumerate(losses)
        ]
        metrics.batch_put_metrics(TrialComponentName=name, MetricData=data)
    return ip


def test_track_records_a_run_as_the_sdk_does(runs):
    sm = client_of(runs).sagemaker
    tc = sm.describe_trial_component(TrialComponentName="mnist-lr-1")
    assert tc["Status"]["PrimaryStatus"] == "Completed" and tc["EndTime"] >= tc["StartTime"]
    assert tc["InputArtifacts"] == {"train-csv": {"Value": "s3://b/train.csv"}}
    assert tc["OutputArtifacts"] == {"m1": {"Value": "s3://b/m1"}}
    assert sm.list_tags(ResourceArn=tc["TrialComponentArn"])["Tags"] == [
        {"Key": "sagemaker:trial-component-source", "Value": "run"}
    ]
    (trial,) = sm.list_trials(ExperimentName="mnist")["TrialSummaries"]
    assert trial["TrialName"] == "Default-Run-Group-mnist"
    failed = sm.describe_trial_component(TrialComponentName="mnist-broken")["Status"]
    assert failed == {"PrimaryStatus": "Failed", "Message": "ValueError: no data"}
    # with an ACTION, the action is linked to the run and the run to nothing else
    client = client_of(runs)
    links = {(a.source_label, a.destination_label, a.type) for a in client.associations("fit")}
    assert ("fit", "mnist-lr-2", "AssociatedWith") in links
    # without one, the run itself takes the inputs and outputs
    arn = tc["TrialComponentArn"]
    assert {(a.source_label, a.type) for a in client.associations(arn, direction="in")} == {
        ("train-csv", "ContributedTo")
    }


def test_tracking_the_same_run_again_updates_it(runs):
    ok(runs, "%%lineage track --experiment MNIST --run LR-1\ny = 3")
    sm = client_of(runs).sagemaker
    assert len(sm.list_trial_components(ExperimentName="mnist")["TrialComponentSummaries"]) == 3
    assert runs.user_ns["y"] == 3


def test_runs_table(runs):
    shown = ok(runs, "%lineage runs mnist").value
    text = repr(shown)
    assert text.splitlines()[0].startswith("3 runs of experiment mnist")
    header = text.splitlines()[1].split()
    assert header[:4] == ["run", "status", "duration", "(s)"] and header[-2:] == ["lr", "loss"]
    rows = [line.split() for line in text.splitlines()[3:]]
    assert [r[0] for r in rows] == ["lr-1", "lr-2", "broken"]  # CreationTime, ascending
    assert rows[0][1] == "Completed" and rows[0][-2:] == ["0.1", "0.4"]  # lr, last loss
    assert rows[2][1] == "Failed"
    html = formatted(runs, shown)["text/html"]
    assert "<table" in html and "<td style='text-align:left'>lr-2</td>" in html


def test_runs_sort_and_filter_with_searchs_words(runs):
    def order(line):
        return [r.split()[0] for r in repr(ok(runs, line).value).splitlines()[3:]]

    assert order("%lineage runs mnist --sort-by Parameters.lr") == ["lr-2", "lr-1", "broken"]
    assert order("%lineage runs mnist --sort-by Metrics.loss.Min --order desc") == ["lr-2", "lr-1", "broken"]
    assert order("%lineage runs mnist --where 'Parameters.lr > 0.05'") == ["lr-1"]
    assert order("%lineage runs mnist --where 'Status.PrimaryStatus in Failed,Stopped'") == ["broken"]
    assert order("%lineage runs mnist --where 'Metrics.loss.Count GreaterThanOrEqualTo 3'") == ["lr-2"]
    assert order("%lineage runs mnist --where 'Metrics.loss.Max exists' --where 'Parameters.lr <= 0.01'") == [
        "lr-2"
    ]
    assert order("%lineage runs mnist --limit 1") == ["lr-1"]
    assert "more not shown" in repr(ok(runs, "%lineage runs mnist --limit 1").value)


def test_runs_dataframe(runs):
    assert ok(runs, "%lineage runs mnist -o df").value is None
    df = runs.user_ns["df"]
    assert isinstance(df, pd.DataFrame)
    assert list(df["run"]) == ["lr-1", "lr-2", "broken"]
    first = df.iloc[0]
    assert (first["lr"], first["loss.Min"], first["loss.Max"], first["loss.Last"], first["loss.Count"]) == (
        0.1, 0.4, 0.9, 0.4, 2)  # fmt: skip
    assert first["trial_component"] == "mnist-lr-1" and first["status"] == "Completed"


@pytest.mark.parametrize(
    "line, words",
    [
        (
            "%lineage runs nope",
            "Experiment 'arn:aws:sagemaker:us-east-1:000000000000:experiment/nope' does not exist",
        ),
        ("%lineage runs mnist --where 'x ?? 1'", "write NAME OPERATOR VALUE"),
        ("%lineage runs mnist --where 'lr resembles 1'", "unknown operator 'resembles'"),
        ("%lineage runs mnist --where 'Parameters.lr >'", "> needs a value"),
        ("%lineage runs mnist --where 'Parameters.lr exists 3'", "takes no value"),
        ("%lineage runs mnist --sort-by Foo", "Unknown property name 'Foo'"),
        ("%lineage runs mnist --where 'DisplayName > 3'", "not supported for the text property"),
        ("%lineage runs mnist --order sideways", "--order takes asc or desc"),
    ],
)
def test_runs_errors_are_one_line(runs, line, words):
    outcome = run(runs, line)
    assert outcome.error is not None
    message = str(outcome.error)
    assert words in message and "\n" not in message


def test_track_argument_errors(ip):
    for line, words in (
        ("%%lineage track\nx = 1", "name the ACTION, or record a run with --experiment"),
        ("%%lineage track a --run r\nx = 1", "--run needs --experiment"),
        ("%%lineage track --experiment bad_name\nx = 1", "experiment name 'bad_name'"),
        ("%%lineage track --experiment e --run 'r r'\nx = 1", "run name 'r r'"),
    ):
        outcome = run(ip, line)
        assert words in str(outcome.error), (line, outcome)
    assert client_of(ip).sagemaker.list_experiments()["ExperimentSummaries"] == []


def test_no_runs(ip):
    client_of(ip).sagemaker.create_experiment(ExperimentName="empty")
    assert repr(ok(ip, "%lineage runs empty").value) == "0 runs of experiment empty"
