"""Issue 15 item 2: names in bulk. What shows names but no properties (a table, a JSON export
without properties) names a trace's artifacts from ListArtifacts pages of their types while those
are cheaper than a describe each, and never costs more than about twice the better choice."""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage_magics import LineageClient
from lineage_magics.api import Api, skim
from lineage_magics.connect import local_service

from .conftest import CallCounter

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(autouse=True)
def sagemaker_path(monkeypatch):
    """The SageMaker API path (QueryLineage pages, describes and listings), not the store's one call."""
    monkeypatch.setattr(Api, "trace_via_api", True)


def best_mix(pages: list[list[str]], wanted: set[str]) -> int:
    """The fewest calls in hindsight: read the first j pages (any j, all of them included), then
    describe what they did not show."""
    costs, left = [len(wanted)], set(wanted)
    for j, page in enumerate(pages, 1):
        left -= set(page)
        costs.append(j + len(left))
    return min(costs)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_skim_costs_at_most_twice_the_better_choice_in_hindsight(data):
    size = data.draw(st.integers(1, 12), label="page size")
    listed = data.draw(st.integers(0, 120), label="entities of the type")
    arns = [f"arn:{i}" for i in range(listed)]
    wanted = set(data.draw(st.lists(st.sampled_from(arns), unique=True), label="wanted") if arns else [])
    wanted |= {f"gone:{i}" for i in range(data.draw(st.integers(0, 5), label="not listed"))}
    also = set(data.draw(st.lists(st.sampled_from(arns), unique=True), label="also") if arns else [])
    pages = [arns[i : i + size] for i in range(0, listed, size)] or [[]]
    read = Counter()

    def pager():
        for page in pages:
            read["pages"] += 1
            yield [{"Arn": a} for a in page]

    found = skim(pager(), wanted, also=also)
    assert all(found[a] == {"Arn": a} for a in found)
    shown = {a for page in pages[: read["pages"]] for a in page}
    assert set(found) == (wanted | also) & shown  # every wanted (or also) ARN the pages read showed
    cost = read["pages"] + len(wanted - set(found))  # ``also`` changes nothing of what is read
    assert cost <= 2 * best_mix(pages, wanted)
    assert cost <= 2 * min(len(wanted), len(pages) + len(wanted - set(arns)))


def populate(lc: LineageClient, counts: dict[str, int], linked: dict[str, int]) -> tuple[str, dict]:
    """``counts[type]`` artifacts of each type, the first ``linked[type]`` of each linked from one
    context (``hub``), in one bulk import. Returns the context's ARN and ARN -> (name, URI) of the
    linked artifacts."""
    service = local_service(lc.sagemaker)
    rows, names = [], {}
    for t, count in counts.items():
        for i in range(count):
            source = {"SourceUri": f"s3://b/{t}/{i}"}
            rows.append({"ArtifactName": f"{t}-{i}", "ArtifactType": t, "Source": source,
                         "Properties": {"i": str(i)}})  # fmt: skip
            if i < linked.get(t, 0):
                names[service.artifact_arn(source)] = (f"{t}-{i}", source["SourceUri"])
    ctx = {"ContextName": "hub", "ContextType": "Workflow", "Source": {"SourceUri": "hub"}}
    ctx_arn = f"{service.arn_prefix}context/hub"
    links = [{"SourceArn": ctx_arn, "DestinationArn": a, "AssociationType": "AssociatedWith"} for a in names]
    service.bulk_import(contexts=[ctx], artifacts=rows, associations=links)
    return ctx_arn, names


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.dictionaries(
        st.sampled_from(["DataSet", "Model", "Image", "Code"]), st.integers(1, 420), min_size=1, max_size=3
    ),  # fmt: skip
    share=st.floats(0.0, 1.0),
)
def test_names_in_bulk_on_random_graphs(counts, share):
    """Random type distributions, a random share of each type traced: every artifact named as it
    was created, and ListArtifacts + DescribeArtifact at most twice the better of describing each
    or listing each type whole."""
    lc = LineageClient("memory://", progress=False)
    linked = {t: math.floor(c * share) for t, c in counts.items()}
    ctx, names = populate(lc, counts, linked)
    g = lc.trace(ctx, depth=1)
    counter = CallCounter(lc.sagemaker)
    table = g.to_dataframe()
    assert set(counter.calls) <= {"ListArtifacts", "DescribeArtifact"}
    arts = [v for v in g.vertices if v.lineage_type == "Artifact"]
    assert {v.arn: (v.name, v.source_uri) for v in arts} == names
    assert set(table["name"]) == {n for n, _ in names.values()} | {"hub"}
    describe_all = len(names)
    list_all = sum(math.ceil(counts[t] / 100) for t, k in linked.items() if k)
    assert counter.total <= 2 * min(describe_all, list_all)
    # properties are still to fetch (summaries have none): one describe each, when read
    counter.reset()
    assert all(v.properties == {"i": v.name.rsplit("-", 1)[1]} for v in arts)
    assert counter["DescribeArtifact"] == counter.total <= len(arts)


def test_a_named_export_lists_where_describing_each_would_cost_more(lc):
    """200 artifacts of one type among 250: three ListArtifacts pages name them all (not 200
    describes); the JSON has every name and no properties; reading the properties describes."""
    ctx, names = populate(lc, {"DataSet": 250, "Model": 40}, {"DataSet": 200})
    g = lc.trace(ctx, depth=1)
    counter = CallCounter(lc.sagemaker)
    data = json.loads(g.to_json(properties=False))
    assert counter.calls == {"ListArtifacts": 3}
    assert {v["arn"]: v["name"] for v in data["vertices"] if v["arn"] in names} == {
        a: n for a, (n, _) in names.items()
    }
    assert all("properties" not in v for v in data["vertices"])
    # the names are kept: a second trace's table costs its QueryLineage pages only
    counter.reset()
    again = lc.trace(ctx, depth=1).to_dataframe()
    assert set(counter.calls) == {"QueryLineage"} and len(again) == 201
    # a full export still has the properties: one describe each
    counter.reset()
    full = json.loads(g.to_json())
    assert counter.calls == {"DescribeArtifact": 200}
    assert all(
        v["properties"] == {"i": v["name"].split("-")[1]} for v in full["vertices"] if v["arn"] in names
    )


def test_a_few_names_among_many_cost_at_most_twice_their_describes(lc):
    """Five artifacts among 1,000 of their type, none on the first pages: the listing stops after
    five pages, and the five are described: 10 calls, at most twice the five describes."""
    ctx, names = populate(lc, {"DataSet": 1000}, {"DataSet": 5})
    g = lc.trace(ctx, depth=1)
    counter = CallCounter(lc.sagemaker)
    g.hydrate(properties=False)
    assert counter.calls == {"ListArtifacts": 5, "DescribeArtifact": 5}
    assert {v.arn: v.name for v in g.vertices if v.arn in names} == {a: n for a, (n, _) in names.items()}


def benchmark_graph(lc: LineageClient, n: int) -> str:
    """The benchmark graph (benchmarks/graphgen.py, loaded as benchmarks/ours.py loads it); the ARN
    of its last artifact, where the 20-hop trace starts."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from graphgen import make_graph
        from ours import load
    finally:
        sys.path.remove(str(BENCHMARKS))
    service = local_service(lc.sagemaker)
    load(service, n)
    return service.artifact_arn({"SourceUri": make_graph(n).artifact_uri(n - 1)})


def test_the_20_hop_trace_shown_and_exported_with_every_vertex_named_at_n_3000(lc):
    """Issue 15's figures on the benchmark graph at N = 3,000, 20 hops upstream from the last
    artifact: drawn with the default cap in at most 150 calls, every drawn artifact labelled with its
    name; exported to JSON with every vertex named, the QueryLineage pages and a few ListArtifacts
    pages, far fewer calls than one describe per artifact."""
    start = benchmark_graph(lc, 3000)
    counter = CallCounter(lc.sagemaker)
    g = lc.trace(start, direction="up", depth=20)
    svg = g._repr_mimebundle_()["image/svg+xml"]
    drawn = [v for v in g.vertices[:150] if v.lineage_type == "Artifact"]
    assert counter.total <= 150 and all(f">{v.name}<" in svg for v in drawn)
    shown = dict(counter.calls)
    counter.reset()
    fresh = LineageClient(lc.sagemaker, progress=False)  # a new session: nothing cached
    data = json.loads(fresh.trace(start, direction="up", depth=20).to_json(properties=False))
    calls = dict(counter.calls)
    artifacts = [v for v in data["vertices"] if v["lineage_type"] == "Artifact"]
    print(f"\nN=3000, 20 hops up, {len(artifacts)} artifacts: drawn {shown}; exported with names {calls}")
    assert all(v["name"] == "a" + v["source_uri"].split("/")[4] for v in artifacts)
    assert all(v["name"] for v in data["vertices"]) and len(artifacts) > 500
    assert calls["ListArtifacts"] == 30  # the three types' 1,000 artifacts each, 100 a page
    assert calls["DescribeArtifact"] == 1  # the start, described to label the graph
    assert counter.total == calls["QueryLineage"] + 31 < len(artifacts) / 5
