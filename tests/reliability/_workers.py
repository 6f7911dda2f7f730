"""Subprocess entry points for the reliability tests: ``python _workers.py COMMAND ARGS...``.

Each command uses only the public API (``connect`` / ``LineageClient``), as a user's kernel would.
"""

from __future__ import annotations

import json
import os
import sys


def writer(url: str, tag: str, count: str, out: str) -> None:
    """``count`` writes, each an action, an artifact and the association between them."""
    from lineage_magics import LineageClient
    from lineage_magics.errors import LineageError

    lc = LineageClient(url, progress=False)
    errors = []
    for i in range(int(count)):
        try:
            action = lc.create_action(f"{tag}-a{i}", "Train")
            artifact = lc.create_artifact(f"s3://bucket/{tag}/{i}", "DataSet", name=f"{tag}-d{i}")
            lc.associate(artifact, action, "ContributedTo", exist_ok=False)
        except LineageError as exc:  # reported to the parent, which asserts there are none
            errors.append(str(exc))
    with open(out, "w") as fh:
        json.dump({"errors": errors}, fh)


def cleanup(url: str, context: str, progress_file: str, latency: str = "0") -> None:
    """``LineageClient.cleanup(context)``, writing the progress count to ``progress_file``."""
    from lineage_magics import LineageClient, connect
    from lineage_magics.connect import local_service

    sm = connect(url)
    if float(latency):
        local_service(sm).configure(latency=float(latency))
    lc = LineageClient(sm, progress=False, max_workers=2)

    def on_progress(done: int, total: int) -> None:
        with open(progress_file + ".tmp", "w") as fh:
            fh.write(f"{done} {total}")
        os.replace(progress_file + ".tmp", progress_file)

    report = lc.cleanup(context, on_progress=on_progress)
    print(json.dumps({"errors": report.errors, "entities": len(report.deleted_entities),
                      "associations": len(report.deleted_associations)}))  # fmt: skip


def copy(source: str, target: str, progress_file: str) -> None:
    """``LineageClient(source).copy(target)`` of the whole store; one dot in ``progress_file`` per call
    answered by either side."""
    from lineage_magics import LineageClient, connect

    source_client, target_client = connect(source), connect(target)

    def mark(**kwargs) -> None:
        with open(progress_file, "a") as fh:
            fh.write(".")

    for client in (source_client, target_client):
        client.meta.events.register("after-call.sagemaker.*", mark)
    report = LineageClient(source_client, progress=False, max_workers=2).copy(
        LineageClient(target_client, progress=False)
    )
    print(json.dumps({"errors": report.errors, "created": report.created, "existing": report.existing}))


def bulk(url: str, count: str) -> None:
    """One ``bulk_import`` transaction of ``count`` artifacts linked in a chain."""
    from lineage_magics import connect
    from lineage_magics.connect import local_service

    service = local_service(connect(url))
    n = int(count)
    rows = [{"ArtifactType": "DataSet", "Source": {"SourceUri": f"s3://bulk/{i}"}, "Properties": {"p": "x" * 200}}
            for i in range(n)]  # fmt: skip
    arns = [service.artifact_arn(r["Source"]) for r in rows]
    links = [{"SourceArn": arns[i], "DestinationArn": arns[i + 1]} for i in range(n - 1)]
    print(json.dumps(service.bulk_import(artifacts=rows, associations=links, manual=True)))


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    {"writer": writer, "cleanup": cleanup, "copy": copy, "bulk": bulk}[sys.argv[1]](*sys.argv[2:])
