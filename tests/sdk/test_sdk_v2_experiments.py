"""The V2 SageMaker SDK (``sagemaker<3``: ``sagemaker.experiments.Run``, ``load_run``, ``list_runs``,
``sagemaker.analytics.ExperimentAnalytics``), unmodified, against the local service: in-process
(``local_session``) and over ``lineage serve`` through ``AWS_ENDPOINT_URL_SAGEMAKER`` and
``AWS_ENDPOINT_URL_SAGEMAKER_METRICS``.

V2 downgrades packages the rest of the suite needs, so it lives in its own environment: the Python
named by ``$LINEAGE_SDK_V2_PYTHON``, else ``.venv-sdk-v2`` at the repository's root, built on first use
(``pip install "sagemaker<3" waitress``; skipped when that cannot be installed). The repository is
put on its ``PYTHONPATH``: the local service needs only boto3 (and waitress to serve).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .test_sdk_experiments import opt_out_of_telemetry

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv-sdk-v2"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]  # the first run installs the V2 SDK


@pytest.fixture(scope="module")
def v2_python() -> str:
    given = os.environ.get("LINEAGE_SDK_V2_PYTHON")
    if given:
        return given
    python = VENV / "bin" / "python"
    probe = [str(python), "-c", "import sagemaker, waitress; assert sagemaker.__version__.startswith('2.')"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return str(python)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    try:
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "sagemaker<3", "waitress"],
            capture_output=True, text=True, timeout=1200, env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.skip("installing the V2 SDK (sagemaker<3) took more than 20 minutes")
    if install.returncode != 0:
        pytest.skip(f"could not install the V2 SDK (sagemaker<3): {install.stderr.strip()[-500:]}")
    return str(python)


DRIVER = """
import json, logging, sys
logging.disable(logging.WARNING)
from sagemaker.session import Session
if sys.argv[1] == "local":
    from lineage_magics.connect import local_session
    session = Session(boto_session=local_session("memory://v2"))
else:
    session = Session()  # boto3's defaults: the endpoints come from AWS_ENDPOINT_URL_SAGEMAKER(_METRICS)

# --- the SDK user's code, as its documentation writes it ---
from sagemaker.experiments.run import Run, load_run, list_runs
from sagemaker.analytics import ExperimentAnalytics

with Run(experiment_name="v2-experiment", run_name="run-1", sagemaker_session=session) as run:
    run.log_parameter("learning_rate", 0.01)
    run.log_parameters({"epochs": 3, "optimizer": "adam"})
    for step, loss in enumerate([0.9, 0.5, 0.3]):
        run.log_metric(name="train:loss", value=loss, step=step)
    run.log_artifact(name="training-data", value="s3://bucket/train.csv", media_type="text/csv", is_output=False)
    run.log_artifact(name="model", value="s3://bucket/model.tar.gz")
with load_run(experiment_name="v2-experiment", run_name="run-1", sagemaker_session=session) as run:
    run.log_metric(name="test:accuracy", value=0.97)
runs = [r.run_name for r in list_runs(experiment_name="v2-experiment", sagemaker_session=session)]
frame = ExperimentAnalytics(experiment_name="v2-experiment", sagemaker_session=session).dataframe()
# ---
row = frame.iloc[0]
print("RESULT " + json.dumps({"runs": runs, "columns": sorted(frame.columns), "row": {
    k: row[k].item() if hasattr(row[k], "item") else row[k] for k in ("learning_rate", "epochs", "optimizer", "train:loss - Min", "train:loss - Last",
                        "train:loss - Count", "test:accuracy - Last", "model - Value")}}, default=str))
"""


def check(out) -> None:
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    assert result["runs"] == ["run-1"]
    assert {
        "learning_rate",
        "train:loss - Max",
        "train:loss - StdDev",
        "training-data - Value",
        "Trials",
    } <= set(result["columns"])
    assert result["row"] == {"learning_rate": 0.01, "epochs": 3.0, "optimizer": "adam", "train:loss - Min": 0.3,
                             "train:loss - Last": 0.3, "train:loss - Count": 3, "test:accuracy - Last": 0.97,
                             "model - Value": "s3://bucket/model.tar.gz"}  # fmt: skip


def run_driver(python: str, mode: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-c", textwrap.dedent(DRIVER), mode], env=env, capture_output=True, text=True,
                          timeout=300, cwd=REPO)  # fmt: skip


def base_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHONPATH"))}
    env.update(
        PYTHONPATH=str(REPO),
        SAGEMAKER_SUPPRESS_V2_WARNING="1",
        SAGEMAKER_USER_CONFIG_OVERRIDE=opt_out_of_telemetry(tmp_path),
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
    )
    return env


def test_v2_run_api_in_process(v2_python, tmp_path):
    check(run_driver(v2_python, "local", base_env(tmp_path)))


def test_v2_run_api_unmodified_over_lineage_serve(v2_python, server, tmp_path):
    env = base_env(tmp_path)
    env.update(AWS_ENDPOINT_URL_SAGEMAKER=server.url, AWS_ENDPOINT_URL_SAGEMAKER_METRICS=server.url,
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")  # fmt: skip
    check(run_driver(v2_python, "http", env))
    sm = server.client()
    tc = sm.describe_trial_component(TrialComponentName="v2-experiment-run-1")
    assert {m["MetricName"]: m["Count"] for m in tc["Metrics"]} == {"test:accuracy": 1, "train:loss": 3}
