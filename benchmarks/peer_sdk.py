"""The API-call peers against our service: the SageMaker SDK's LineageQuery and a naive boto3 walk.

Usage: python peer_sdk.py '{"op": "lineage_query" | "naive_walk" | "naive_cleanup", "db": PATH, "n": N, ...}'
"""

from __future__ import annotations

import sys

from apiutil import artifact_arn, connect, count_calls
from graphgen import make_graph
from timing import emit, measure, once, parse_args

DIRECTIONS = {"up": "Ascendants", "down": "Descendants", "both": "Both"}


def sdk_session(client):
    import boto3
    from sagemaker.core.helper.session_helper import Session

    return Session(boto_session=boto3.Session(region_name="us-east-1"), sagemaker_client=client)


def lineage_query(client, start: str, direction: str, hops: int) -> dict:
    """The SDK's documented query: one QueryLineage call (it ignores NextToken)."""
    from sagemaker.core.lineage.query import LineageQuery, LineageQueryDirectionEnum

    query = LineageQuery(sdk_session(client))
    result = query.query(
        start_arns=[start], direction=LineageQueryDirectionEnum(DIRECTIONS[direction]), max_depth=hops
    )
    return {"vertices": len(result.vertices), "edges": len(result.edges)}


def _associations(client, **key):
    paginator = client.get_paginator("list_associations")
    for page in paginator.paginate(MaxResults=100, **key):
        yield from page["AssociationSummaries"]


def naive_walk(client, start: str, direction: str, hops: int) -> dict:
    """Breadth-first ListAssociations per vertex and direction, every page followed."""
    return {"vertices": len(naive_reach(client, start, direction, hops))}


def naive_named_walk(client, start: str, direction: str, hops: int) -> dict:
    """The naive walk, then a DescribeArtifact per artifact reached: what naming them takes."""
    seen = naive_reach(client, start, direction, hops)
    artifacts = [arn for arn in seen if ":artifact/" in arn]
    names = [client.describe_artifact(ArtifactArn=arn).get("ArtifactName") for arn in artifacts]
    return {"vertices": len(seen), "named": sum(1 for name in names if name)}


def naive_reach(client, start: str, direction: str, hops: int) -> set[str]:
    """The ARNs the naive walk reaches within ``hops``."""
    seen = {start}
    frontier = [start]
    for _ in range(hops):
        nxt = []
        for arn in frontier:
            if direction in ("up", "both"):
                for a in _associations(client, DestinationArn=arn):
                    if a["SourceArn"] not in seen:
                        seen.add(a["SourceArn"])
                        nxt.append(a["SourceArn"])
            if direction in ("down", "both"):
                for a in _associations(client, SourceArn=arn):
                    if a["DestinationArn"] not in seen:
                        seen.add(a["DestinationArn"])
                        nxt.append(a["DestinationArn"])
        frontier = nxt
    return seen


def naive_cleanup(client, context_name: str) -> dict:
    """What SDK users write: for each member, entity.delete(disassociate=True), then the context's."""
    context_arn = client.describe_context(ContextName=context_name)["ContextArn"]
    members = [a["DestinationArn"] for a in _associations(client, SourceArn=context_arn)]
    for arn in members:  # Artifact/Action.delete(disassociate=True): list both ways, delete each, delete
        for key in ("SourceArn", "DestinationArn"):
            for a in list(_associations(client, **{key: arn})):
                client.delete_association(SourceArn=a["SourceArn"], DestinationArn=a["DestinationArn"])
        resource, _, name = arn.split(":")[5].partition("/")
        if resource == "artifact":
            client.delete_artifact(ArtifactArn=arn)
        else:
            client.delete_action(ActionName=name)
    client.delete_context(ContextName=context_name)
    return {}


def main(args: dict) -> dict:
    op = args["op"]
    if op == "naive_cleanup":
        from ours import build_cleanup_store

        context_name = build_cleanup_store(args["db"], args["associations"])
        client = connect(args["db"])
        calls = count_calls(client)
        report = once(lambda: naive_cleanup(client, context_name))
        report["result"] = {"total_calls": sum(calls.values()), "calls": dict(calls)}
        return report
    client = connect(args["db"])
    g = make_graph(args["n"])
    start = artifact_arn(client, g.artifact_uri(args["start"]))
    calls = count_calls(client)
    fn = {"lineage_query": lineage_query, "naive_walk": naive_walk}[op]
    report = measure(lambda: fn(client, start, args["direction"], args["hops"]), repeat=3)
    report["result"]["calls"] = sum(calls.values()) // 4  # 1 warm-up + 3 timed runs, the same calls each
    return report


if __name__ == "__main__":
    emit(main(parse_args(sys.argv)))
