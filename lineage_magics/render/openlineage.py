"""OpenLineage export: actions and trial components as runs of jobs, artifacts as their datasets."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

from ..graph import LineageGraph, Vertex
from ..sagemaker import name_of_arn

SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
RUN_EVENT_SCHEMA = f"{SPEC}#/$defs/RunEvent"
JOB_TYPE_SCHEMA = "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet"
PRODUCER = "https://pypi.org/project/lineage-magics/"
RUN_TYPES = ("Action", "TrialComponent")


def dataset_id(vertex: Vertex, namespace: str) -> tuple[str, str]:
    """(namespace, name) of an artifact per OpenLineage naming: ``s3://bucket`` + key, ``https://host`` + path."""
    uri = vertex.source_uri
    if uri:
        parts = urlsplit(uri)
        if parts.scheme and parts.netloc:
            root = f"{parts.scheme}://{parts.netloc}"
            if parts.scheme in ("http", "https"):
                return root, parts.path or "/"
            if parts.path.strip("/"):
                return root, parts.path.lstrip("/")
        return namespace, uri
    return namespace, vertex.name or name_of_arn(vertex.arn)


def run_id(arn: str) -> str:
    """A UUID that is the same every time for the same ARN."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, arn))


def to_openlineage(
    graph: LineageGraph,
    *,
    namespace: str = "sagemaker",
    producer: str = PRODUCER,
    event_time: datetime | str | None = None,
) -> list[dict]:
    """One COMPLETE RunEvent per action or trial component, in traversal order.

    Inputs are the artifacts with an edge into the run, outputs the artifacts it has an
    edge to. ``event_time`` defaults to now (UTC).
    """
    if event_time is None:
        event_time = datetime.now(timezone.utc)
    when = event_time if isinstance(event_time, str) else event_time.isoformat()
    artifacts = {v.arn: v for v in graph.vertices if v.lineage_type == "Artifact"}
    graph.hydrate(artifacts.values(), properties=False)  # dataset names and URIs only
    inputs: dict[str, list[str]] = {}
    outputs: dict[str, list[str]] = {}
    for e in graph.edges:
        if e.source in artifacts:
            inputs.setdefault(e.destination, []).append(e.source)
        if e.destination in artifacts:
            outputs.setdefault(e.source, []).append(e.destination)

    def datasets(arns: list[str]) -> list[dict]:
        seen, out = set(), []
        for a in arns:
            ns, name = dataset_id(artifacts[a], namespace)
            if (ns, name) not in seen:
                seen.add((ns, name))
                out.append({"namespace": ns, "name": name, "facets": {}})
        return out

    events = []
    for v in graph.vertices:
        if v.lineage_type not in RUN_TYPES:
            continue
        job_type = {
            "_producer": producer,
            "_schemaURL": JOB_TYPE_SCHEMA,
            "processingType": "BATCH",
            "integration": "SAGEMAKER",
            "jobType": v.type or v.lineage_type,
        }
        events.append(
            {
                "eventType": "COMPLETE",
                "eventTime": when,
                "producer": producer,
                "schemaURL": RUN_EVENT_SCHEMA,
                "run": {"runId": run_id(v.arn), "facets": {}},
                "job": {
                    "namespace": namespace,
                    "name": v.name or name_of_arn(v.arn),
                    "facets": {"jobType": job_type},
                },
                "inputs": datasets(inputs.get(v.arn, [])),
                "outputs": datasets(outputs.get(v.arn, [])),
            }
        )
    return events
