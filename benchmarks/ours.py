"""Our side of every row, driven as a JSON worker (main venv).

Usage: python ours.py '{"op": OP, "db": PATH, "n": N, ...}' with OP one of load, trace, trace_api,
page_limit, write, write_client, cleanup, render, load_ext.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from apiutil import artifact_arn, connect, count_calls
from graphgen import make_graph
from timing import emit, measure, once, parse_args

DIRECTIONS = {"up": "Ascendants", "down": "Descendants", "both": "Both"}


def service_of(client):
    from lineage_magics.connect import local_service

    return local_service(client)


# -- load ---------------------------------------------------------------------------------------------
def load(service, n: int) -> dict:
    """The whole graph through bulk_import: rows shaped like the Create*/AddAssociation requests."""
    g = make_graph(n)
    prefix = f"{service.arn_prefix}action/"
    artifacts, art_arns = [], []
    for i in range(n):
        source = {"SourceUri": g.artifact_uri(i)}
        artifacts.append(
            {
                "ArtifactName": g.artifact_name(i),
                "ArtifactType": g.artifact_type(i),
                "Source": source,
                "Properties": g.artifact_properties(i),
            }
        )
        art_arns.append(service.artifact_arn(source))
    actions = [
        {"ActionName": g.action_name(i), "ActionType": g.action_type(i), "Source": {"SourceUri": f"job/{i}"}}
        for i in range(n)
    ]
    arn = {"artifact": art_arns.__getitem__, "action": lambda i: prefix + g.action_name(i)}
    associations = (  # a generator: bulk_import reads it while SQLite sorts the entity indexes
        {"SourceArn": arn[sk](si), "DestinationArn": arn[dk](di), "AssociationType": t}
        for sk, si, dk, di, t in g.edges()
    )
    counts = service.bulk_import(actions=actions, artifacts=artifacts, associations=associations)
    return {"rows": sum(counts.values())}


# -- traces -------------------------------------------------------------------------------------------
def trace_service(service, start: str, direction: str, hops: int) -> dict:
    """The store's traversal with hydrated vertices (ARN, lineage type, type, name, URI) and edges."""
    r = service.trace(start, DIRECTIONS[direction], hops)
    return {"vertices": len(r["vertices"]), "edges": len(r["edges"])}


def trace_client(lc, start: str, direction: str, hops: int) -> dict:
    """LineageClient.trace: on the embedded store one Service.trace call (names and types filled
    in; properties fetched when read)."""
    graph = lc.trace(start, direction=direction, depth=hops)
    return {"vertices": len(graph.vertices), "edges": len(graph.edges)}


def _start(client, args: dict) -> str:
    return artifact_arn(client, make_graph(args["n"]).artifact_uri(args["start"]))


def trace_api(args: dict) -> dict:
    """Warm figure (median of repeats on one client) plus the cold first call's time and calls."""
    from lineage_magics import LineageClient

    client = connect(args["db"])
    start = _start(client, args)
    lc = LineageClient(client, progress=False)
    calls = count_calls(client)
    first = once(lambda: trace_client(lc, start, args["direction"], args["hops"]))
    cold_calls = dict(calls)
    report = measure(lambda: trace_client(lc, start, args["direction"], args["hops"]), args["repeat"], 0)
    report["result"]["calls"] = cold_calls
    report["result"]["cold_s"] = first["median_s"]
    return report


def magic_trace(args: dict) -> dict:
    """``%lineage trace START --direction D --depth H`` as a notebook runs it (default cap: the walk
    is whole, the graph keeps the 150 vertices nearest the start and counts the rest), timed warm;
    then the display formatter on what it returns (widget, SVG, PNG, text), timed apart."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.extension_manager.load_extension("lineage_magics")
    ip.run_line_magic("lineage", f"use sqlite:///{args['db']}")
    start = _start(connect(args["db"]), args)
    line = f"trace {start} --direction {args['direction']} --depth {args['hops']}"
    shown = {}

    def run() -> dict:
        shown["graph"] = ip.run_line_magic("lineage", line)
        graph = shown["graph"]
        return {"vertices": graph.total_vertices or len(graph.vertices), "kept": len(graph.vertices)}

    first = once(run)
    report = measure(run, args.get("repeat", 5), 0)
    report["result"]["cold_s"] = first["median_s"]
    draw = lambda: ip.display_formatter.format(shown["graph"])  # noqa: E731
    draw()  # the first display imports the widget's modules
    report["result"]["display_s"] = measure(draw, 3, 0)["median_s"]
    return report


def page_limit(args: dict) -> dict:
    """One cold LineageClient.trace (fresh client, empty caches) across the 50-vertex page limit."""
    from lineage_magics import LineageClient

    client = connect(args["db"])
    start = _start(client, args)
    lc = LineageClient(client, progress=False)
    lc.api.trace_via_api = True  # the SageMaker API path: QueryLineage pages (the store's walk is one call)
    calls = count_calls(client)
    holder = {}
    report = once(
        lambda: holder.setdefault(
            "g", lc.trace(start, direction=args["direction"], depth=args["hops"]).hydrate()
        )
    )
    graph = holder["g"]
    report["result"] = {
        "vertices": len(graph.vertices),
        "artifacts": sum(1 for v in graph.vertices if v.lineage_type == "Artifact"),
        "calls": dict(calls),
    }
    return report


# -- writes -------------------------------------------------------------------------------------------
def write_boto3(client, k: int, input_arn: str) -> None:
    """One notebook write: an action, an artifact, two associations, as four boto3 calls."""
    action = client.create_action(
        ActionName=f"nb-action-{k}",
        ActionType="ProcessingJob",
        Source={"SourceUri": f"nb/{k}"},
        Status="Completed",
    )["ActionArn"]
    artifact = client.create_artifact(
        ArtifactName=f"nb-artifact-{k}",
        ArtifactType="DataSet",
        Source={"SourceUri": f"s3://bench-bucket/notebook/{k}"},
    )["ArtifactArn"]
    client.add_association(SourceArn=input_arn, DestinationArn=action, AssociationType="ContributedTo")
    client.add_association(SourceArn=action, DestinationArn=artifact, AssociationType="Produced")


def write_lineage_client(lc, k: int, input_arn: str) -> None:
    """The same write through LineageClient (what the magics and widgets use)."""
    action = lc.create_action(f"nbc-action-{k}", "ProcessingJob", f"nbc/{k}", status="Completed")
    artifact = lc.create_artifact(f"s3://bench-bucket/notebook-client/{k}", "DataSet", f"nbc-artifact-{k}")
    lc.associate(input_arn, action, "ContributedTo")
    lc.associate(action, artifact, "Produced")


def write(args: dict, through_client: bool) -> dict:
    from lineage_magics import LineageClient

    client = connect(args["db"])
    input_arn = artifact_arn(client, make_graph(args["n"]).artifact_uri(args["n"] // 3))
    counter = iter(range(10**9))
    lc = LineageClient(client, progress=False)
    calls = count_calls(client)
    if through_client:
        report = measure(
            lambda: write_lineage_client(lc, next(counter), input_arn), args.get("repeat", 200), 3
        )
    else:
        report = measure(lambda: write_boto3(client, next(counter), input_arn), args.get("repeat", 200), 3)
    report["result"] = {"calls_per_write": sum(calls.values()) / (report["repeat"] + 3)}
    return report


# -- clean-up -----------------------------------------------------------------------------------------
CLEANUP_CONTEXT = "bench-cleanup"


def build_cleanup_store(db: str, associations: int) -> str:
    """A context linked to `associations` members (half artifacts, half actions), loaded in bulk."""
    client = connect(db)
    service = service_of(client)
    half = associations // 2
    artifacts = [
        {
            "ArtifactName": f"c-a{i}",
            "ArtifactType": "DataSet",
            "Source": {"SourceUri": f"s3://bench-bucket/c/{i}"},
        }
        for i in range(half)
    ]
    actions = [
        {"ActionName": f"c-e{i}", "ActionType": "ProcessingJob", "Source": {"SourceUri": f"c/{i}"}}
        for i in range(associations - half)
    ]
    ctx_arn = f"{service.arn_prefix}context/{CLEANUP_CONTEXT}"
    prefix = f"{service.arn_prefix}action/"
    members = [service.artifact_arn(a["Source"]) for a in artifacts] + [
        prefix + a["ActionName"] for a in actions
    ]
    service.bulk_import(
        contexts=[
            {"ContextName": CLEANUP_CONTEXT, "ContextType": "Project", "Source": {"SourceUri": "bench"}}
        ],
        artifacts=artifacts,
        actions=actions,
        associations=[
            {"SourceArn": ctx_arn, "DestinationArn": m, "AssociationType": "AssociatedWith"} for m in members
        ],
        manual=True,
    )
    return CLEANUP_CONTEXT


def cleanup(args: dict) -> dict:
    from lineage_magics import LineageClient

    name = build_cleanup_store(args["db"], args["associations"])
    client = connect(args["db"])
    lc = LineageClient(client, progress=False)
    calls = count_calls(client)
    holder = {}
    report = once(lambda: holder.setdefault("r", lc.cleanup(name)))
    done = holder["r"]
    with service_of(client).store.read() as conn:
        remaining = conn.execute(
            "SELECT (SELECT count(*) FROM entity) + (SELECT count(*) FROM edge)"
        ).fetchone()[0]
    report["result"] = {
        "total_calls": sum(calls.values()),
        "calls": dict(calls),
        "deleted": len(done.deleted_entities) + len(done.deleted_associations),
        "errors": len(done.errors),
        "remaining": remaining,
    }
    return report


# -- render and %load_ext -----------------------------------------------------------------------------
def render(args: dict) -> dict:
    from bench_render import bench

    rows = bench(args["sizes"])
    for row in bench([300], max_vertices=300):  # the whole 300-vertex graph, no cap
        row["what"] = "DOT → SVG, uncapped"
        rows.insert(2, row)
    return {"median_s": None, "result": rows}


_LOAD_EXT = """
import json, resource, time
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
t0 = time.perf_counter()
import lineage_magics
t1 = time.perf_counter()
ip.extension_manager.load_extension("lineage_magics")
t2 = time.perf_counter()
assert "lineage" in ip.magics_manager.magics["line"], "no %lineage magic"
print(json.dumps({"import_s": t1 - t0, "total_s": t2 - t0,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def load_ext(args: dict) -> dict:
    """Fresh interpreters with IPython already up: time `import lineage_magics` + load_extension."""
    runs = []
    for _ in range(args.get("repeat", 5)):
        proc = subprocess.run([sys.executable, "-c", _LOAD_EXT], capture_output=True, text=True, check=True)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {
        "median_s": statistics.median(r["total_s"] for r in runs),
        "min_s": min(r["total_s"] for r in runs),
        "repeat": len(runs),
        "result": {"import_s": statistics.median(r["import_s"] for r in runs)},
        "maxrss_mb": round(max(r["maxrss_mb"] for r in runs), 1),
    }


def main(args: dict) -> dict:
    op = args["op"]
    if op in ("load", "trace"):
        client = connect(args["db"])
        service = service_of(client)
        if op == "load":
            return once(lambda: load(service, args["n"]))
        start = _start(client, args)
        run = lambda: trace_service(service, start, args["direction"], args["hops"])  # noqa: E731
        first = once(run)  # cold: the first trace in this process (a large one loads the graph cache)
        report = measure(run, args.get("repeat", 5), 0)
        report["result"]["cold_s"] = first["median_s"]
        report["result"]["graph_cache"] = service._graph is not None
        return report
    handlers = {
        "trace_api": trace_api,
        "magic_trace": magic_trace,
        "page_limit": page_limit,
        "write": lambda a: write(a, through_client=False),
        "write_client": lambda a: write(a, through_client=True),
        "cleanup": cleanup,
        "render": render,
        "load_ext": load_ext,
    }
    if op not in handlers:
        raise SystemExit(f"unknown op {op!r}")
    return handlers[op](args)


if __name__ == "__main__":
    emit(main(parse_args(sys.argv)))
