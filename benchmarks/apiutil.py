"""Helpers for the rows that talk to our service through a boto3 client: connect, count calls, find ARNs."""

from __future__ import annotations

from collections import Counter


def connect(db: str):
    """A boto3 SageMaker client on our embedded service over the sqlite file db."""
    import lineage_magics

    return lineage_magics.connect(f"sqlite:///{db}")


def count_calls(client) -> Counter:
    """A Counter of operation names, incremented on every call the client makes from now on."""
    calls: Counter = Counter()

    def hook(model, **_kwargs):
        calls[model.name] += 1

    # before-parameter-build runs for every call; before-call is answered by the local service's own
    # hook, which stops the handlers registered after it.
    client.meta.events.register("before-parameter-build.sagemaker.*", hook)
    return calls


def artifact_arn(client, uri: str) -> str:
    """The ARN of the artifact whose SourceUri is uri (ListArtifacts, as a user would find it)."""
    (summary,) = client.list_artifacts(SourceUri=uri)["ArtifactSummaries"]
    return summary["ArtifactArn"]
