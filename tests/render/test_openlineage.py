"""OpenLineage RunEvents, validated by structuring them into the openlineage-python client's classes."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import job_type_job
from openlineage.client.serde import Serde
from openlineage.client.transport.file import FileConfig, FileTransport

from lineage_magics.graph import Edge, LineageGraph, Vertex
from lineage_magics.render.openlineage import PRODUCER, to_openlineage
from lineage_magics.render.samples import ACCOUNT, arn

JOB_FACETS = {"jobType": job_type_job.JobTypeJobFacet}
WHEN = "2026-11-25T12:00:00+00:00"
HTTPS_NS = "https://sagemaker-example-files-prod-us-east-1.s3.amazonaws.com"
MNIST_PATH = "/datasets/image/MNIST"


def _prune(value):
    """Drop empty dicts and lists (the client adds empty facet maps the events may leave out)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _facets(facets: dict, classes: dict) -> dict:
    out = {}
    for name, facet in facets.items():
        fields = {k: v for k, v in facet.items() if not k.startswith("_")}
        out[name] = classes[name](**fields, producer=facet["_producer"])
    return out


def validate(event: dict) -> RunEvent:
    """Build the client's RunEvent from ``event`` (its validators run) and check nothing was lost or
    differs: unknown keys, bad UUIDs, times, event types and schema URLs all raise."""
    ev = copy.deepcopy(event)
    ev.pop("schemaURL", None)
    run, job = ev.pop("run"), ev.pop("job")
    built = RunEvent(
        eventType=RunState(ev.pop("eventType")),
        eventTime=ev.pop("eventTime"),
        producer=ev.pop("producer"),
        run=Run(runId=run.pop("runId"), facets={}, **{k: v for k, v in run.items() if k != "facets"}),
        job=Job(
            namespace=job.pop("namespace"),
            name=job.pop("name"),
            facets=_facets(job.pop("facets", {}), JOB_FACETS),
        ),
        inputs=[InputDataset(**d) for d in ev.pop("inputs", [])],
        outputs=[OutputDataset(**d) for d in ev.pop("outputs", [])],
        **ev,
    )
    if run.get("facets") or job:
        raise ValueError(f"unexpected run or job fields: {run} {job}")
    if _prune(Serde.to_dict(built)) != _prune(event):
        raise ValueError("the client's event differs from ours")
    return built


def test_mnist_workflow_becomes_three_runs(mnist):
    events = to_openlineage(mnist, event_time=WHEN)
    for ev in events:
        validate(ev)
    assert [(e["job"]["name"], e["job"]["facets"]["jobType"]["jobType"]) for e in events] == [
        ("model-build-step-1700000000", "ModelBuild"),
        ("tensorflow-training-2020-11-20-23-57-13-077-aws-training-job", "SageMakerTrainingJob"),
        ("mnist-model-deployment", "ModelDeployment"),
    ]
    build, _, deploy = events
    assert build["eventType"] == "COMPLETE" and build["eventTime"] == WHEN and build["producer"] == PRODUCER
    assert build["job"]["namespace"] == "sagemaker"
    assert [(d["namespace"], d["name"]) for d in build["inputs"]] == [
        (HTTPS_NS, f"{MNIST_PATH}/t10k-images-idx3-ubyte.gz"),
        (HTTPS_NS, f"{MNIST_PATH}/t10k-labels-idx1-ubyte.gz"),
        ("sagemaker", "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.3.1-cpu-py37"),
    ]
    model_path = f"{MNIST_PATH}/model/tensorflow-training-2020-11-20-23-57-13-077/model.tar.gz"
    assert [(d["namespace"], d["name"]) for d in build["outputs"]] == [(HTTPS_NS, model_path)]
    assert [d["name"] for d in deploy["inputs"]][0] == model_path and deploy["outputs"] == []
    assert build["run"]["runId"] == str(
        uuid.uuid5(uuid.NAMESPACE_URL, arn("action", "model-build-step-1700000000"))
    )


def test_s3_naming_trial_components_and_run_ids():
    raw = Vertex(
        arn("artifact", "s3://bucket/raw/data.csv"), "Artifact", "DataSet", "raw", "s3://bucket/raw/data.csv"
    )
    out = Vertex(
        arn("artifact", "s3://out-bucket/features/"), "Artifact", "DataSet", None, "s3://out-bucket/features/"
    )
    bare = Vertex(arn("artifact", "x"), "Artifact", "DataSet", "unnamed-thing", None)
    local = Vertex(arn("artifact", "file:///tmp/x"), "Artifact", "DataSet", "local", "file:///tmp/x")
    job = Vertex(f"{ACCOUNT}:experiment-trial-component/proc-1", "TrialComponent", None, "proc-1")
    edges = [
        Edge(raw.arn, job.arn, "ContributedTo"),
        Edge(bare.arn, job.arn, "ContributedTo"),
        Edge(local.arn, job.arn, "ContributedTo"),
        Edge(job.arn, out.arn, "Produced"),
    ]
    g = LineageGraph([job, raw, out, bare, local], edges, job.arn)
    (event,) = to_openlineage(g, namespace="team-a", producer="https://example.com/p", event_time=WHEN)
    validate(event)
    assert [(d["namespace"], d["name"]) for d in event["inputs"]] == [
        ("s3://bucket", "raw/data.csv"),
        ("team-a", "unnamed-thing"),
        ("team-a", "file:///tmp/x"),
    ]
    assert [(d["namespace"], d["name"]) for d in event["outputs"]] == [("s3://out-bucket", "features/")]
    assert event["job"] == {
        "namespace": "team-a",
        "name": "proc-1",
        "facets": {
            "jobType": {
                "_producer": "https://example.com/p",
                "_schemaURL": job_type_job.JobTypeJobFacet._get_schema(),
                "processingType": "BATCH",
                "integration": "SAGEMAKER",
                "jobType": "TrialComponent",
            }
        },
    }
    again = to_openlineage(g, event_time=WHEN)[0]
    assert again["run"]["runId"] == event["run"]["runId"]
    assert uuid.UUID(event["run"]["runId"]).version == 5
    assert to_openlineage(LineageGraph()) == []


def test_default_event_time_is_now_in_utc(mnist):
    (ev, *_) = to_openlineage(mnist)
    validate(ev)
    assert ev["eventTime"].endswith("+00:00")


@pytest.mark.parametrize(
    "break_it",
    [
        lambda e: e["run"].update(runId="not-a-uuid"),
        lambda e: e.update(eventTime="yesterday"),
        lambda e: e.update(eventTime="2026-11-25"),
        lambda e: e.update(eventType="DONE"),
        lambda e: e.update(schemaURL="https://openlineage.io/spec/1-0-0/OpenLineage.json#/$defs/RunEvent"),
        lambda e: e.pop("job"),
        lambda e: e.update(extra="field"),
        lambda e: e["inputs"][0].pop("name"),
        lambda e: e["job"]["facets"]["jobType"].pop("processingType"),
        lambda e: e["job"]["facets"]["jobType"].update(_schemaURL="https://example.com/x.json"),
    ],
)
def test_validation_fails_on_a_broken_event(mnist, break_it):
    event = to_openlineage(mnist, event_time=WHEN)[0]
    validate(event)
    break_it(event)
    with pytest.raises((TypeError, ValueError, KeyError)):
        validate(event)


def test_the_client_emits_our_events_unchanged(mnist, tmp_path):
    log = tmp_path / "events.jsonl"
    client = OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(log), append=True)))
    events = to_openlineage(mnist, event_time=WHEN)
    for ev in events:
        client.emit(validate(ev))
    written = [json.loads(line) for line in log.read_text().splitlines()]
    for w in written:  # the client tags each run with its own version on the way out
        assert w["run"]["facets"].pop("tags")["tags"][0]["key"] == "openlineage_client_version"
    assert [_prune(w) for w in written] == [_prune(e) for e in events]
