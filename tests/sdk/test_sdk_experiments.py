"""The SageMaker SDK's own experiment code (sagemaker-core's ``Run``, ``load_run``, ``list_runs``,
``ExperimentAnalytics``, search helpers and resources), unmodified, against the local service:
in-process through ``local_session`` and, in a subprocess, over ``lineage serve`` through
``AWS_ENDPOINT_URL_SAGEMAKER`` and ``AWS_ENDPOINT_URL_SAGEMAKER_METRICS`` as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from lineage_magics.connect import connect, local_session

# The user's experiment code, as the SDK's documentation writes it (a Session made by the caller).
RUN_CODE = """
from sagemaker.core.experiments.run import Run, load_run, list_runs
from sagemaker.core.analytics import ExperimentAnalytics

with Run(experiment_name=EXPERIMENT, run_name="run-1", sagemaker_session=session) as run:
    run.log_parameter("learning_rate", 0.01)
    run.log_parameters({"epochs": 3, "optimizer": "adam"})
    for step, loss in enumerate([0.9, 0.5, 0.3]):
        run.log_metric(name="train:loss", value=loss, step=step)
    run.log_artifact(name="training-data", value="s3://bucket/train.csv", media_type="text/csv", is_output=False)
    run.log_artifact(name="model", value="s3://bucket/model.tar.gz")

with Run(experiment_name=EXPERIMENT, run_name="run-2", sagemaker_session=session) as run:
    run.log_parameters({"learning_rate": 0.1, "epochs": 3, "optimizer": "sgd"})
    for step, loss in enumerate([1.2, 1.1]):
        run.log_metric(name="train:loss", value=loss, step=step)

with load_run(experiment_name=EXPERIMENT, run_name="run-1", sagemaker_session=session) as run:
    run.log_metric(name="test:accuracy", value=0.97)

runs = sorted(r.run_name for r in list_runs(experiment_name=EXPERIMENT, sagemaker_session=session))
frame = ExperimentAnalytics(
    experiment_name=EXPERIMENT, sagemaker_session=session, sort_by="metrics.train:loss.min", sort_order="Ascending"
).dataframe()
"""


def opt_out_of_telemetry(folder) -> str:
    """An SDK config file that turns the SDK's telemetry calls off (no network in tests)."""
    path = folder / "sagemaker-config.yaml"
    path.write_text(
        "SchemaVersion: '1.0'\nSageMaker:\n  PythonSDK:\n    Modules:\n      TelemetryOptOut: true\n"
    )
    return str(path)


def check_runs(sm, experiment: str, runs: list, frame) -> None:
    """What the run code above must have made, read back with plain boto3 and from the dataframe."""
    assert runs == ["run-1", "run-2"]
    assert list(frame["TrialComponentName"]) == [f"{experiment}-run-1", f"{experiment}-run-2"]
    row = frame.iloc[0]
    assert (row["learning_rate"], row["epochs"], row["optimizer"]) == (0.01, 3, "adam")
    assert (row["train:loss - Min"], row["train:loss - Max"], row["train:loss - Last"]) == (0.3, 0.9, 0.3)
    assert row["train:loss - Count"] == 3 and row["test:accuracy - Last"] == 0.97
    assert row["training-data - Value"] == "s3://bucket/train.csv"
    assert row["model - Value"] == "s3://bucket/model.tar.gz"
    assert row["Experiments"] == [experiment]
    tc = sm.describe_trial_component(TrialComponentName=f"{experiment}-run-1")
    assert tc["Status"]["PrimaryStatus"] == "Completed"
    assert tc["InputArtifacts"]["training-data"] == {
        "MediaType": "text/csv",
        "Value": "s3://bucket/train.csv",
    }
    assert {m["MetricName"]: m["Count"] for m in tc["Metrics"]} == {"test:accuracy": 1, "train:loss": 3}
    trials = sm.list_trials(ExperimentName=experiment)["TrialSummaries"]
    assert [t["TrialName"] for t in trials] == [f"Default-Run-Group-{experiment}"]
    members = sm.list_trial_components(TrialName=trials[0]["TrialName"])["TrialComponentSummaries"]
    assert len(members) == 2


@pytest.fixture
def experiment():
    return "exp-" + uuid.uuid4().hex[:8]


def test_run_api_in_process(tmp_path, monkeypatch, experiment):
    from sagemaker.core.helper.session_helper import Session

    monkeypatch.setenv("SAGEMAKER_USER_CONFIG_OVERRIDE", opt_out_of_telemetry(tmp_path))
    url = f"memory://{experiment}"
    session = Session(boto_session=local_session(url))
    namespace = {"session": session, "EXPERIMENT": experiment}
    exec(RUN_CODE, namespace)  # noqa: S102 - the SDK user's code, run as written
    check_runs(connect(url), experiment, namespace["runs"], namespace["frame"])


def test_artifact_trials_through_lineage_and_search(tmp_path, monkeypatch, experiment):
    """The SDK's ``Artifact.downstream_trials`` (associations, then ``smexperiments``' Search by ARN) and
    ``downstream_trials_v2``/``upstream_trials`` (QueryLineage, then Search) find a run's trial."""
    from sagemaker.core.experiments.run import Run
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.core.lineage.artifact import Artifact

    monkeypatch.setenv("SAGEMAKER_USER_CONFIG_OVERRIDE", opt_out_of_telemetry(tmp_path))
    session = Session(boto_session=local_session(f"memory://{experiment}"))
    with Run(experiment_name=experiment, run_name="run-1", sagemaker_session=session) as run:
        run.log_parameter("learning_rate", 0.01)
    sm = session.sagemaker_client
    component = sm.list_trial_components()["TrialComponentSummaries"][0]["TrialComponentArn"]
    data = sm.create_artifact(Source={"SourceUri": "s3://bucket/train.csv"}, ArtifactType="DataSet")
    model = sm.create_artifact(Source={"SourceUri": "s3://bucket/model.tar.gz"}, ArtifactType="Model")
    sm.add_association(
        SourceArn=data["ArtifactArn"], DestinationArn=component, AssociationType="ContributedTo"
    )
    sm.add_association(SourceArn=component, DestinationArn=model["ArtifactArn"], AssociationType="Produced")
    trial = f"Default-Run-Group-{experiment}"

    used = Artifact.load(artifact_arn=data["ArtifactArn"], sagemaker_session=session)
    assert used.downstream_trials(sagemaker_session=session) == [trial]
    assert used.downstream_trials_v2() == [trial]
    made = Artifact.load(artifact_arn=model["ArtifactArn"], sagemaker_session=session)
    assert made.upstream_trials() == [trial] and made.downstream_trials_v2() == []


def test_search_helpers_and_resources_in_process(tmp_path, monkeypatch, experiment):
    """The SDK's search helpers (``_TrialComponent.search``, ``is_run_trial_component``) and
    sagemaker-core's resources (``TrialComponent``, ``Experiment``, ``LineageGroup``)."""
    from sagemaker.core.experiments._utils import is_run_trial_component
    from sagemaker.core.experiments.run import Run
    from sagemaker.core.experiments.trial_component import _TrialComponent
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.core.resources import Experiment, LineageGroup, TrialComponent
    from sagemaker.core.utilities.search_expression import Filter, Operator, SearchExpression

    monkeypatch.setenv("SAGEMAKER_USER_CONFIG_OVERRIDE", opt_out_of_telemetry(tmp_path))
    boto_session = local_session(f"memory://{experiment}")
    session = Session(boto_session=boto_session)
    for name, lr in (("slow", 0.001), ("fast", 0.1)):
        with Run(experiment_name=experiment, run_name=name, sagemaker_session=session) as run:
            run.log_parameter("lr", lr)
    connect(f"memory://{experiment}").create_trial_component(TrialComponentName=f"{experiment}-plain")

    fast = SearchExpression(
        filters=[Filter(name="Parameters.lr", operator=Operator.GREATER_THAN, value="0.01")]
    )
    found = list(_TrialComponent.search(search_expression=fast, sagemaker_session=session))
    assert [r.trial_component_name for r in found] == [f"{experiment}-fast"]
    assert found[0].parents[0].experiment_name == experiment
    assert is_run_trial_component(f"{experiment}-fast", session)
    assert not is_run_trial_component(f"{experiment}-plain", session)

    everything = SearchExpression(
        filters=[Filter(name="TrialComponentName", operator=Operator.CONTAINS, value=experiment)]
    )
    ordered = _TrialComponent.search(search_expression=everything, sort_by="Parameters.lr", sort_order="Ascending",
                                     max_results=1, sagemaker_session=session)  # fmt: skip
    assert [r.trial_component_name for r in ordered] == [
        f"{experiment}-{n}" for n in ("slow", "fast", "plain")
    ]

    names = sorted(tc.trial_component_name for tc in TrialComponent.get_all(session=boto_session))
    assert names == sorted(f"{experiment}-{n}" for n in ("slow", "fast", "plain"))
    assert [e.experiment_name for e in Experiment.get_all(session=boto_session)] == [experiment]
    assert TrialComponent.get(f"{experiment}-fast", session=boto_session).parameters["lr"].number_value == 0.1
    assert list(LineageGroup.get_all(session=boto_session)) == []


DRIVER = """
import json, sys
from sagemaker.core.helper.session_helper import Session
session = Session()  # boto3's defaults: the endpoints come from AWS_ENDPOINT_URL_SAGEMAKER(_METRICS)
namespace = {"session": session, "EXPERIMENT": sys.argv[1]}
exec(open(sys.argv[2]).read(), namespace)
frame = namespace["frame"]
print("RESULT " + json.dumps({"runs": namespace["runs"], "frame": frame.to_dict(orient="list")}, default=str))
"""


def test_run_api_unmodified_over_lineage_serve(server, tmp_path, experiment):
    code = tmp_path / "run_code.py"
    code.write_text(RUN_CODE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL_SAGEMAKER=server.url,
        AWS_ENDPOINT_URL_SAGEMAKER_METRICS=server.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        SAGEMAKER_USER_CONFIG_OVERRIDE=opt_out_of_telemetry(tmp_path),
    )
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(DRIVER), experiment, str(code)],
                         env=env, capture_output=True, text=True, timeout=240)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    import pandas as pd

    frame = pd.DataFrame(result["frame"])
    frame["Experiments"] = frame["Experiments"].map(lambda v: v if isinstance(v, list) else [v])
    check_runs(server.client(), experiment, result["runs"], frame)
