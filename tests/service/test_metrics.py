"""The sagemaker-metrics service (BatchPutMetrics, BatchGetMetrics) and lineage group reads,
in-process and over ``lineage serve``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from lineage_magics.connect import connect, connect_metrics, local_service

from .conftest import Builder

T0 = 1_700_000_000.0


@pytest.fixture
def mc(sm):
    return connect_metrics(sm)


def put(mc, tc, name, values, *, start=T0, every=10.0, steps=True):
    points = [
        dict(
            {"MetricName": name, "Timestamp": start + i * every, "Value": v}, **({"Step": i} if steps else {})
        )
        for i, v in enumerate(values)
    ]
    for i in range(0, len(points), 10):  # the model allows 10 points a call
        assert "Errors" not in mc.batch_put_metrics(TrialComponentName=tc, MetricData=points[i : i + 10])


def test_summaries_in_describe(sm, mc, u):
    sm.create_trial_component(TrialComponentName=u)
    put(mc, u, "loss", [4.0, 2.0, 3.0, 1.0])
    put(mc, u, "acc", [0.5], start=T0 + 100)
    got = sm.describe_trial_component(TrialComponentName=u)["Metrics"]
    assert [m["MetricName"] for m in got] == ["acc", "loss"]
    loss = got[1]
    assert (loss["Count"], loss["Min"], loss["Max"], loss["Last"], loss["Avg"]) == (4, 1.0, 4.0, 1.0, 2.5)
    assert loss["StdDev"] == pytest.approx(1.2909944487)
    assert loss["TimeStamp"].timestamp() == pytest.approx(T0 + 30)
    assert got[0]["StdDev"] == 0.0 and got[0]["Count"] == 1


def test_last_is_the_latest_timestamp_not_the_latest_call(sm, mc, u):
    sm.create_trial_component(TrialComponentName=u)
    put(mc, u, "loss", [5.0], start=T0 + 50)
    put(mc, u, "loss", [7.0], start=T0)  # an older point arriving late
    (loss,) = sm.describe_trial_component(TrialComponentName=u)["Metrics"]
    assert loss["Last"] == 5.0 and loss["Count"] == 2


def test_batch_get_metrics_by_step_and_period(sm, mc, u):
    arn = sm.create_trial_component(TrialComponentName=u)["TrialComponentArn"]
    put(mc, u, "loss", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], every=30.0)

    def query(**kw):
        q = dict({"MetricName": "loss", "ResourceArn": arn, "MetricStat": "Avg"}, **kw)
        return mc.batch_get_metrics(MetricQueries=[q])["MetricQueryResults"][0]

    by_step = query(Period="IterationNumber", XAxisType="IterationNumber", Start=2, End=4)
    assert by_step == {"Status": "Complete", "XAxisValues": [2, 3, 4], "MetricValues": [3.0, 4.0, 5.0]}
    minutes = query(Period="OneMinute", XAxisType="Timestamp", MetricStat="Max")
    base = int(T0 // 60) * 60
    assert minutes["XAxisValues"] == [base + 60 * i for i in range(len(minutes["XAxisValues"]))]
    assert minutes["MetricValues"][-1] == 7.0 and sum(1 for _ in minutes["MetricValues"]) == 4
    hour = query(Period="OneHour", XAxisType="Timestamp", MetricStat="Count")
    assert sum(hour["MetricValues"]) == 7.0
    mixed = query(Period="OneMinute", XAxisType="IterationNumber")
    assert mixed["Status"] == "ValidationError" and "cannot be used with" in mixed["Message"]
    missing = query(Period="OneHour", XAxisType="Timestamp", ResourceArn=arn + "-nope")
    assert missing["Status"] == "ValidationError" and "does not exist" in missing["Message"]
    assert query(Period="OneHour", XAxisType="Timestamp", MetricName="other")["XAxisValues"] == []


def test_errors(sm, mc, u, b):
    code, message = b.error(
        mc.batch_put_metrics,
        TrialComponentName=u,
        MetricData=[{"MetricName": "m", "Timestamp": T0, "Value": 1}],
    )
    assert code == "ResourceNotFound" and f"experiment-trial-component/{u}'" in message
    sm.create_trial_component(TrialComponentName=u)
    too_long = [{"MetricName": "m" * 256, "Timestamp": T0, "Value": 1}]
    code, message = b.error(mc.batch_put_metrics, TrialComponentName=u, MetricData=too_long)
    assert code == "ValidationException" and "length less than or equal to 255" in message


def test_deleting_a_component_drops_its_metrics(sm, mc, u):
    sm.create_trial_component(TrialComponentName=u)
    put(mc, u, "loss", [1.0, 2.0])
    sm.delete_trial_component(TrialComponentName=u)
    sm.create_trial_component(TrialComponentName=u)
    assert "Metrics" not in sm.describe_trial_component(TrialComponentName=u)


def test_ten_thousand_points_keep_describe_and_trace_on_summaries():
    """10,000 points land in the raw table; describe reads one summary row per metric."""
    sm = connect("memory://")
    mc = connect_metrics(sm)
    sm.create_trial_component(TrialComponentName="big")
    data = [{"MetricName": "loss", "Timestamp": T0 + i, "Step": i, "Value": float(i)} for i in range(10_000)]
    for i in range(0, len(data), 10):
        mc.batch_put_metrics(TrialComponentName="big", MetricData=data[i : i + 10])
    (loss,) = sm.describe_trial_component(TrialComponentName="big")["Metrics"]
    assert (loss["Count"], loss["Min"], loss["Max"], loss["Last"], loss["Avg"]) == (
        10_000,
        0.0,
        9999.0,
        9999.0,
        4999.5,
    )
    store = local_service(sm).store
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM metric").fetchone()[0] == 10_000
        assert conn.execute("SELECT count(*) FROM metric_summary").fetchone()[0] == 1
        plan = " ".join(
            r[-1] for r in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM metric_summary WHERE component = 1")
        )
    assert "metric_summary" in plan and "SCAN" not in plan  # a keyed read, whatever the raw table holds
    arn = sm.describe_trial_component(TrialComponentName="big")["TrialComponentArn"]
    assert sm.query_lineage(StartArns=[arn], IncludeEdges=True)["Vertices"][0]["Arn"] == arn


def test_metrics_over_http_through_the_environment(http_server, tmp_path):
    """Unmodified boto3 code reaches lineage serve through AWS_ENDPOINT_URL_SAGEMAKER(_METRICS)."""
    code = textwrap.dedent(
        """
        import boto3, time
        sm = boto3.client("sagemaker"); mc = boto3.client("sagemaker-metrics")
        sm.create_trial_component(TrialComponentName="via-env-metrics")
        mc.batch_put_metrics(TrialComponentName="via-env-metrics",
                             MetricData=[{"MetricName": "m", "Timestamp": time.time(), "Value": 2.5}])
        print(sm.describe_trial_component(TrialComponentName="via-env-metrics")["Metrics"][0]["Last"])
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL_SAGEMAKER=http_server.url, AWS_ENDPOINT_URL_SAGEMAKER_METRICS=http_server.url,
               AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2.5"


def test_lineage_groups_as_for_an_account_with_none(sm, b):
    assert sm.list_lineage_groups()["LineageGroupSummaries"] == []
    assert list(sm.get_paginator("list_lineage_groups").paginate())[0]["LineageGroupSummaries"] == []
    code, message = b.error(sm.describe_lineage_group, LineageGroupName="group-1")
    assert code == "ResourceNotFound" and "lineage-group/group-1" in message
    code, _ = b.error(sm.get_lineage_group_policy, LineageGroupName="group-1")
    assert code == "ResourceNotFound"
    code, _ = b.error(sm.list_lineage_groups, NextToken="forged")
    assert code == "ValidationException"


def test_metrics_requests_are_signed_checked_like_sagemakers(servers):
    """With access keys, lineage serve verifies SigV4 on the metrics service's REST-JSON requests too."""
    import boto3

    server = servers("--access-key", "AKID:SECRET")
    sm = server.client("AKID", "SECRET")
    sm.create_trial_component(TrialComponentName="signed")

    def metrics(secret):
        return boto3.client("sagemaker-metrics", endpoint_url=server.url, region_name="us-east-1",
                            aws_access_key_id="AKID", aws_secret_access_key=secret)  # fmt: skip

    point = [{"MetricName": "m", "Timestamp": T0, "Value": 1.0}]
    assert (
        metrics("SECRET").batch_put_metrics(TrialComponentName="signed", MetricData=point)[
            "ResponseMetadata"
        ]["HTTPStatusCode"]
        == 200
    )
    code, _ = Builder.error(metrics("wrong").batch_put_metrics, TrialComponentName="signed", MetricData=point)
    assert code == "InvalidSignatureException"
    assert sm.describe_trial_component(TrialComponentName="signed")["Metrics"][0]["Count"] == 1
