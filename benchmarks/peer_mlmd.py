"""Google ML Metadata on a file SQLite (connection_mode=3), driven as a JSON worker.

Runs in benchmarks/.venv-mlmd (ml-metadata pins protobuf<5, which conflicts with the main venv).
Usage: .venv-mlmd/bin/python peer_mlmd.py '{"op": "load" | "trace" | "write", "db": PATH, "n": N, ...}'
"""

from __future__ import annotations

import sys

from graphgen import ACTION_TYPES, ARTIFACT_TYPES, make_graph
from timing import emit, measure, once, parse_args

from ml_metadata.metadata_store import metadata_store  # isort: skip
from ml_metadata.proto import metadata_store_pb2 as pb  # isort: skip

BATCH = 10_000
DIRECTIONS = {"up": "UPSTREAM", "down": "DOWNSTREAM", "both": "BIDIRECTIONAL"}


def open_store(path: str) -> metadata_store.MetadataStore:
    config = pb.ConnectionConfig()
    config.sqlite.filename_uri = path
    config.sqlite.connection_mode = 3  # READWRITE_OPENCREATE
    return metadata_store.MetadataStore(config)


def types(store) -> tuple[dict[str, int], dict[str, int]]:
    artifact_types = {}
    for name in ARTIFACT_TYPES:
        t = pb.ArtifactType(name=name)
        t.properties["split"] = pb.STRING
        artifact_types[name] = store.put_artifact_type(t)
    execution_types = {name: store.put_execution_type(pb.ExecutionType(name=name)) for name in ACTION_TYPES}
    return artifact_types, execution_types


def load(store, n: int) -> dict:
    g = make_graph(n)
    atypes, etypes = types(store)
    artifact_ids: list[int] = []
    execution_ids: list[int] = []
    for lo in range(0, n, BATCH):
        batch = []
        for i in range(lo, min(n, lo + BATCH)):
            a = pb.Artifact(
                type_id=atypes[g.artifact_type(i)], name=g.artifact_name(i), uri=g.artifact_uri(i)
            )
            a.properties["split"].string_value = g.artifact_properties(i)["split"]
            batch.append(a)
        artifact_ids += store.put_artifacts(batch)
    for lo in range(0, n, BATCH):
        batch = [
            pb.Execution(type_id=etypes[g.action_type(i)], name=g.action_name(i))
            for i in range(lo, min(n, lo + BATCH))
        ]
        execution_ids += store.put_executions(batch)
    events = []
    for sk, si, _dk, di, _t in g.edges():
        if sk == "artifact":
            events.append(
                pb.Event(artifact_id=artifact_ids[si], execution_id=execution_ids[di], type=pb.Event.INPUT)
            )
        else:
            events.append(
                pb.Event(artifact_id=artifact_ids[di], execution_id=execution_ids[si], type=pb.Event.OUTPUT)
            )
    for lo in range(0, len(events), BATCH):
        store.put_events(events[lo : lo + BATCH])
    return {"rows": len(artifact_ids) + len(execution_ids) + len(events)}


def artifact_by_name(store, name: str):
    options = metadata_store.ListOptions(filter_query=f"name = '{name}'")
    (artifact,) = store.get_artifacts(list_options=options)
    return artifact


def trace(store, start_id: int, direction: str, hops: int) -> dict:
    """get_lineage_subgraph with every field (nodes, events, types): names and types filled in."""
    options = pb.LineageSubgraphQueryOptions(max_num_hops=hops, direction=DIRECTIONS[direction])
    options.starting_artifacts.filter_query = f"id = {start_id}"
    graph = store.get_lineage_subgraph(options)
    return {"vertices": len(graph.artifacts) + len(graph.executions), "edges": len(graph.events)}


def write(store, k: int, input_artifact, execution_type: int, artifact_type: int) -> None:
    """One notebook write: put_execution with its input artifact and a new output artifact (2 events)."""
    execution = pb.Execution(
        type_id=execution_type, name=f"nb-action-{k}", last_known_state=pb.Execution.COMPLETE
    )
    output = pb.Artifact(
        type_id=artifact_type, name=f"nb-artifact-{k}", uri=f"s3://bench-bucket/notebook/{k}"
    )
    store.put_execution(
        execution,
        [(input_artifact, pb.Event(type=pb.Event.INPUT)), (output, pb.Event(type=pb.Event.OUTPUT))],
        [],
    )


def main(args: dict) -> dict:
    op, n = args["op"], args["n"]
    store = open_store(args["db"])
    if op == "load":
        return once(lambda: load(store, n))
    if op == "trace":
        start = artifact_by_name(store, f"a{args['start']}").id
        return measure(lambda: trace(store, start, args["direction"], args["hops"]), args.get("repeat", 5))
    if op == "write":
        source = artifact_by_name(store, f"a{n // 3}")
        etype = store.get_execution_type(ACTION_TYPES[1]).id
        atype = store.get_artifact_type(ARTIFACT_TYPES[0]).id
        counter = iter(range(10**9))
        return measure(lambda: write(store, next(counter), source, etype, atype), args.get("repeat", 200), 3)
    raise SystemExit(f"unknown op {op!r}")


if __name__ == "__main__":
    emit(main(parse_args(sys.argv)))
