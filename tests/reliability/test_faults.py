"""Injected faults (``service.configure`` in-process, ``lineage serve --throttle-rate`` over HTTP):
at 30% throttling a 500-association clean-up and a 3-page trace complete correctly."""

from __future__ import annotations

from collections import Counter

from lineage_magics import LineageClient, connect
from lineage_magics.connect import local_service

THROTTLE = 0.3


def build(url: str) -> dict:
    """Two graphs, loaded in bulk (no faults yet).

    ``tidy``: a context with 100 actions and 100 artifacts as members, chained through
    ContributedTo/Produced links: 200 + 100 + 200 = 500 associations.
    ``wide``: an artifact feeding 12 actions that produce 10 models each (133 vertices, depth 2).
    """
    service = local_service(connect(url))
    prefix = service.arn_prefix
    n = 100
    actions = [{"ActionName": f"step{i}", "ActionType": "Train", "Source": {"SourceUri": f"job://{i}"}}
               for i in range(n)]  # fmt: skip
    artifacts = [{"ArtifactType": "DataSet", "Source": {"SourceUri": f"s3://tidy/{i}"}} for i in range(n)]
    act = [f"{prefix}action/step{i}" for i in range(n)]
    art = [service.artifact_arn(a["Source"]) for a in artifacts]
    ctx = f"{prefix}context/tidy"
    links = [{"SourceArn": ctx, "DestinationArn": m, "AssociationType": "AssociatedWith"} for m in act + art]
    links += [
        {"SourceArn": art[i], "DestinationArn": act[i], "AssociationType": "ContributedTo"} for i in range(n)
    ]
    links += [{"SourceArn": act[i], "DestinationArn": art[(i + 1) % n], "AssociationType": "Produced"}
              for i in range(n)] + [{"SourceArn": act[i], "DestinationArn": art[(i + 7) % n],
                                     "AssociationType": "Produced"} for i in range(n)]  # fmt: skip
    links = links[:500]
    # wide
    root = {"ArtifactType": "DataSet", "Source": {"SourceUri": "s3://wide/root"}}
    jobs = [{"ActionName": f"wide-job{j}", "ActionType": "Train", "Source": {"SourceUri": f"job://w{j}"}}
            for j in range(12)]  # fmt: skip
    models = [{"ArtifactType": "Model", "Source": {"SourceUri": f"s3://wide/model/{j}/{k}"}}
              for j in range(12) for k in range(10)]  # fmt: skip
    root_arn = service.artifact_arn(root["Source"])
    edges = [{"SourceArn": root_arn, "DestinationArn": f"{prefix}action/wide-job{j}",
              "AssociationType": "ContributedTo"} for j in range(12)]  # fmt: skip
    edges += [{"SourceArn": f"{prefix}action/wide-job{j}",
               "DestinationArn": service.artifact_arn(models[j * 10 + k]["Source"]),
               "AssociationType": "Produced"} for j in range(12) for k in range(10)]  # fmt: skip
    counts = service.bulk_import(
        contexts=[{"ContextName": "tidy", "ContextType": "Workflow", "Source": {"SourceUri": "wf://tidy"}}],
        actions=actions + jobs,
        artifacts=artifacts + [root] + models,
        associations=links + edges,
        manual=True,
    )
    assert counts["associations"] == 500 + 132
    wide = {root_arn, *(f"{prefix}action/wide-job{j}" for j in range(12))}
    wide |= {service.artifact_arn(m["Source"]) for m in models}
    return {
        "root": root_arn,
        "vertices": wide,
        "edges": {(e["SourceArn"], e["DestinationArn"]) for e in edges},
    }


class Calls:
    """What a boto3 client saw: operations called, error codes answered, botocore retry attempts."""

    def __init__(self, sagemaker):
        self.calls: Counter = Counter()
        self.errors: Counter = Counter()
        self.retried = 0
        sagemaker.meta.events.register("after-call.sagemaker.*", self._after)

    def _after(self, model, parsed=None, **kwargs):
        self.calls[model.name] += 1
        parsed = parsed or {}
        self.retried += parsed.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        code = parsed.get("Error", {}).get("Code")
        if code:
            self.errors[code] += 1


def exercise(lc: LineageClient, calls: Calls, expected: dict) -> None:
    """The two jobs under faults, then their results checked on the store."""
    graph = lc.trace(expected["root"], direction="down", depth=10)
    assert not graph.truncated
    assert {v.arn for v in graph.vertices} == expected["vertices"]
    assert {(e.source, e.destination) for e in graph.edges} == expected["edges"]
    assert {v.name for v in graph.vertices if v.lineage_type == "Action"} == {
        f"wide-job{j}" for j in range(12)
    }
    assert calls.calls["QueryLineage"] >= 3  # 133 vertices at 50 a page

    plan = lc.plan_cleanup("tidy")
    assert (len(plan.associations), len(plan.entities)) == (500, 201)
    report = lc.cleanup("tidy")
    assert report.errors == []
    assert len(report.deleted_associations) == 500 and len(report.deleted_entities) == 201
    assert lc.list("contexts") == []
    assert len(lc.list("associations")) == 132  # only the wide graph's are left
    assert {a.source_uri for a in lc.list("artifacts")} == {"s3://wide/root"} | {
        f"s3://wide/model/{j}/{k}" for j in range(12) for k in range(10)
    }


def test_faults_in_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'faults.db'}"
    expected = build(url)
    sm = connect(f"{url}?throttle={THROTTLE}&seed=7")
    calls = Calls(sm)
    exercise(LineageClient(sm, progress=False, max_workers=8), calls, expected)
    total = sum(calls.calls.values())
    assert total > 1000
    # in-process answers skip botocore's retries: LineageClient's back-off saw every throttle
    assert 0.2 * total < calls.errors["ThrottlingException"] < 0.4 * total
    local_service(sm).configure(throttle_rate=0)


def test_internal_failures_in_process(tmp_path):
    """InternalFailure (HTTP 500) and throttling together: writes land exactly once, the trace is whole."""
    url = f"sqlite:///{tmp_path / 'faults.db'}"
    expected = build(url)
    sm = connect(f"{url}?throttle=0.1&error_rate=0.2&seed=11")
    calls = Calls(sm)
    lc = LineageClient(sm, progress=False)
    for i in range(40):
        action = lc.create_action(f"extra{i}", "Train")
        artifact = lc.create_artifact(f"s3://extra/{i}", "DataSet")
        lc.associate(artifact, action, exist_ok=False)
    graph = lc.trace(expected["root"], direction="down", depth=10)
    assert {v.arn for v in graph.vertices} == expected["vertices"]
    assert calls.errors["ThrottlingException"] > 0 and calls.errors["InternalFailure"] > 0
    local_service(sm).configure(throttle_rate=0, error_rate=0)
    assert len(lc.list("actions", type="Train")) == 100 + 12 + 40
    assert len([a for a in lc.list("associations") if (a.destination_name or "").startswith("extra")]) == 40


def test_faults_over_http(tmp_path, servers):
    """A boto3 client with botocore's retries off: LineageClient's one retry layer absorbs the
    throttling alone (docs/architecture.md, "Retries"); 32 workers so that the back-offs overlap."""
    flags = ["--throttle-rate", str(THROTTLE), "--seed", "3", "--threads", "8"]
    db = tmp_path / "faults.db"
    expected = build(f"sqlite:///{db}")
    server = servers("--db", str(db), *flags)
    sm = server.client(retries={"mode": "standard", "total_max_attempts": 1}, max_pool_connections=32)
    calls = Calls(sm)
    exercise(LineageClient(sm, progress=False, max_workers=32), calls, expected)
    assert calls.retried == 0 and calls.errors["ThrottlingException"] > 100  # all retried by the Api
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err
