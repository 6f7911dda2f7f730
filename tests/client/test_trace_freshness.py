"""Issue 15 item 3: what a session read of artifacts is remembered across traces. Type and source
are never read twice; names and properties are trusted for ``fresh_for`` seconds, then checked by
their LastModifiedTime against ListArtifacts pages (where cheaper than a describe each), and only
the changed ones are described again."""

from __future__ import annotations

import pytest

from lineage_magics import LineageClient
from lineage_magics.api import Api, KnownArtifacts
from lineage_magics.connect import local_service
from lineage_magics.errors import LineageError

from .conftest import CallCounter
from .test_trace_bulk import populate


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def sagemaker_path(monkeypatch):
    """The SageMaker API path (QueryLineage pages, describes and listings), not the store's one call."""
    monkeypatch.setattr(Api, "trace_via_api", True)


@pytest.fixture
def clock(lc) -> Clock:
    clock = Clock()
    lc.api.artifacts.clock = clock
    return clock


def shown(lc: LineageClient, ctx: str):
    """A depth-1 trace of ``ctx``, drawn (every drawn artifact's name and properties read)."""
    g = lc.trace(ctx, depth=1, max_vertices=1000)
    g._repr_mimebundle_()
    return g


def test_a_repeat_within_fresh_for_reads_only_querylineage_pages(lc, clock):
    ctx, names = populate(lc, {"DataSet": 30}, {"DataSet": 30})
    counter = CallCounter(lc.sagemaker)
    shown(lc, ctx)
    assert counter["DescribeArtifact"] == 30
    counter.reset()
    clock.now += lc.fresh_for - 1
    g = shown(lc, ctx)
    assert set(counter.calls) == {"QueryLineage"}
    assert {v.arn: v.name for v in g.vertices if v.arn in names} == {a: n for a, (n, _) in names.items()}


def test_after_fresh_for_a_listing_checks_them_and_only_changed_ones_are_described(lc, clock):
    """200 artifacts drawn, then three renamed and given new properties by another session: once
    ``fresh_for`` has passed, the next drawing reads three ListArtifacts pages (not 200 describes)
    and describes the three that changed; every name and property shown is the current one."""
    ctx, names = populate(lc, {"DataSet": 250}, {"DataSet": 200})
    shown(lc, ctx)
    other = LineageClient(lc.sagemaker, progress=False)
    changed = sorted(names)[:3]
    for i, arn in enumerate(changed):
        other.update(arn, name=f"renamed-{i}", properties={"i": f"new-{i}"})
    counter = CallCounter(lc.sagemaker)
    g = shown(lc, ctx)  # still fresh: what was read is shown as it was
    assert set(counter.calls) == {"QueryLineage"}
    assert {v.name for v in g.vertices if v.arn in changed} == {names[a][0] for a in changed}

    clock.now += lc.fresh_for
    counter.reset()
    g = shown(lc, ctx)
    assert counter["ListArtifacts"] == 3 and counter["DescribeArtifact"] == 3
    assert set(counter.calls) == {"QueryLineage", "ListArtifacts", "DescribeArtifact"}
    current = {v.arn: (v.name, v.properties) for v in g.vertices if v.arn in names}
    for i, arn in enumerate(changed):
        assert current[arn] == (f"renamed-{i}", {"i": f"new-{i}"})
    for arn, (name, _uri) in names.items():
        if arn not in changed:
            assert current[arn] == (name, {"i": name.rsplit("-", 1)[1]})
    counter.reset()
    shown(lc, ctx)  # checked just now: fresh again
    assert set(counter.calls) == {"QueryLineage"}


def test_a_table_after_fresh_for_takes_new_names_from_the_listing_alone(lc, clock):
    """What shows names only (a table) checks by listing: a renamed artifact's new name comes from
    the summary, with no describe at all."""
    ctx, names = populate(lc, {"Model": 150}, {"Model": 120})
    lc.trace(ctx, depth=1).to_dataframe()
    arn = sorted(names)[0]
    LineageClient(lc.sagemaker, progress=False).update(arn, name="model-v2")
    clock.now += lc.fresh_for
    counter = CallCounter(lc.sagemaker)
    table = lc.trace(ctx, depth=1).to_dataframe()
    assert set(counter.calls) == {"QueryLineage", "ListArtifacts"} and counter["ListArtifacts"] == 2
    assert "model-v2" in set(table["name"]) and names[arn][0] not in set(table["name"])


def test_an_artifact_deleted_by_another_session_is_not_shown_from_memory(lc, clock):
    ctx, names = populate(lc, {"DataSet": 3}, {"DataSet": 3})
    shown(lc, ctx)
    gone = sorted(names)[0]
    other = LineageClient(lc.sagemaker, progress=False)
    other.delete(gone, cascade=True)
    clock.now += lc.fresh_for
    g = shown(lc, ctx)
    assert gone not in g
    assert {v.arn for v in g.vertices} == {ctx, *names} - {gone}


def test_fresh_for_zero_checks_every_time_and_writes_through_this_client_are_seen_at_once(lc, clock):
    ctx, names = populate(lc, {"DataSet": 5}, {"DataSet": 5})
    lc.fresh_for = 0
    shown(lc, ctx)
    counter = CallCounter(lc.sagemaker)
    shown(lc, ctx)
    assert counter.calls == {"QueryLineage": 1, "ListArtifacts": 1}  # checked; nothing changed
    lc.fresh_for = 3600
    arn = sorted(names)[0]
    lc.update(arn, name="mine")  # this client forgets what it changes
    g = shown(lc, ctx)
    assert g.vertex(arn).name == "mine"


def test_known_artifacts_keep_properties_only_while_unchanged():
    clock = Clock()
    known = KnownArtifacts(fresh_for=10, clock=clock)
    known.put("a", {"name": "x", "type": "T", "modified": 1, "properties": {"k": "v"}})
    assert known.fresh("a", properties=True)["properties"] == {"k": "v"}
    clock.now += 10
    assert known.fresh("a") is None and known.get("a")["name"] == "x"
    known.put("a", {"name": "x", "type": "T", "modified": 1})  # a listing: unchanged
    assert known.fresh("a", properties=True)["properties"] == {"k": "v"}
    known.put("a", {"name": "y", "type": "T", "modified": 2})  # a listing: changed
    assert known.fresh("a")["name"] == "y" and known.fresh("a", properties=True) is None
    known.put("b", {"name": "z", "type": "T", "modified": None, "properties": {}})
    known.put("b", {"name": "z", "type": "T", "modified": None})  # no LastModifiedTime: not trusted
    assert known.fresh("b", properties=True) is None
    known.forget("a")
    assert "a" not in known and len(known) == 1


def test_fresh_for_must_not_be_negative(lc):
    with pytest.raises(LineageError, match="0 or more"):
        lc.fresh_for = -1
    assert LineageClient(lc, fresh_for=5).fresh_for == 5
    assert LineageClient(LineageClient(lc.sagemaker, fresh_for=7)).fresh_for == 7


def test_the_check_lists_only_the_span_of_their_creation_times(lc, clock):
    """20 artifacts created in the middle of 1,000 of their type (a second apart): once stale, the
    check lists the 20 in one page (CreatedAfter/CreatedBefore around them), not the 500 newer
    ones first."""
    service = local_service(lc.sagemaker)
    rows, linked = [], []
    for i in range(1000):
        source = {"SourceUri": f"s3://b/d/{i}"}
        rows.append({"ArtifactType": "DataSet", "ArtifactName": f"d-{i}", "Source": source,
                     "Properties": {"i": str(i)}, "CreationTime": 1.7e9 + i})  # fmt: skip
        if 480 <= i < 500:
            linked.append(service.artifact_arn(source))
    ctx = f"{service.arn_prefix}context/span"
    service.bulk_import(
        contexts=[{"ContextName": "span", "ContextType": "Workflow", "Source": {"SourceUri": "span"}}],
        artifacts=rows,
        associations=[
            {"SourceArn": ctx, "DestinationArn": a, "AssociationType": "AssociatedWith"} for a in linked
        ],
    )
    shown(lc, ctx)
    clock.now += lc.fresh_for
    counter = CallCounter(lc.sagemaker)
    g = shown(lc, ctx)
    assert counter.calls == {"QueryLineage": 1, "ListArtifacts": 1}
    assert sorted(v.properties["i"] for v in g.vertices if v.arn in linked) == [
        str(i) for i in range(480, 500)
    ]
