"""Clean-up planning (issue 15, item 4): few calls, and never a shared member or an outside entity lost.

A member is shared when anything outside the context (another context, an action, an artifact, a trial
component, an experiment) links to it or from it. The plan reads that from ListAssociations only: one scan
of every association when the account is small enough, each doubtful member listed both ways otherwise
(``SCAN_PAGES_PER_MEMBER = 0`` forces that path; a partial scan mixes both)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lineage_magics import LineageClient
from lineage_magics.connect import local_service
from lineage_magics.ops import cleanup as cleanup_ops

from .conftest import CallCounter

DELETABLE = {"context", "action", "artifact", "trial-component"}
EXPERIMENT_ENTITIES = {"experiment", "trial-component"}
TYPES = ["AssociatedWith", "ContributedTo", "DerivedFrom", "Produced", None]
KINDS = ["artifact", "action", "context", "trial-component", "experiment"]
TODAY = 4013  # calls of the clean-up of the benchmark's 1,000-association context before this change


def make(sm, kind: str, name: str) -> str:
    """One entity through the boto3 client; its ARN."""
    if kind == "context":
        return sm.create_context(ContextName=name, ContextType="T", Source={"SourceUri": name})["ContextArn"]
    if kind == "action":
        return sm.create_action(ActionName=name, ActionType="T", Source={"SourceUri": name})["ActionArn"]
    if kind == "artifact":
        return sm.create_artifact(ArtifactType="T", Source={"SourceUri": f"s3://b/{name}"})["ArtifactArn"]
    if kind == "experiment":
        return sm.create_experiment(ExperimentName=name)["ExperimentArn"]
    return sm.create_trial_component(TrialComponentName=name)["TrialComponentArn"]


def snapshot(lc) -> tuple[set[str], set[tuple[str, str]]]:
    """Every entity ARN and every association (source, destination) in the store."""
    arns = set()
    for kind, key in [
        ("context", "ContextArn"),
        ("action", "ActionArn"),
        ("artifact", "ArtifactArn"),
        ("experiment", "ExperimentArn"),
        ("trial-component", "TrialComponentArn"),
    ]:
        arns |= {s[key] for s in lc.api.list_all(kind)}
    pairs = {(a["SourceArn"], a["DestinationArn"]) for a in lc.api.list_all("association")}
    return arns, pairs


graphs = st.fixed_dictionaries(
    {
        "members": st.lists(st.sampled_from(KINDS), max_size=8),
        "outside": st.lists(st.sampled_from(KINDS), max_size=6),
        # (from, to, type) over indices into [context, *members, *outside]; taken modulo their number
        "edges": st.lists(
            st.tuples(st.integers(0, 99), st.integers(0, 99), st.sampled_from(TYPES)), max_size=25
        ),
        "scan": st.sampled_from([1.0, 0.0]),  # the scan, or each member listed on its own
        # False: the store deletes an entity with its associations, so a wrongly doomed member would
        # really go (True, the default, would refuse and hide the mistake behind an error)
        "refuse": st.booleans(),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs)
@example(
    {"members": ["action"], "outside": ["action"], "edges": [(2, 1, None)], "scan": 1.0, "refuse": False}
)
@example(
    {
        "members": ["artifact"],
        "outside": ["experiment"],
        "edges": [(2, 1, None)],
        "scan": 0.0,
        "refuse": False,
    }
)
@example(
    {"members": ["action", "artifact"], "outside": [], "edges": [(1, 2, None)], "scan": 1.0, "refuse": True}
)
def test_random_shared_graphs_never_lose_an_outside_entity_or_a_shared_member(g):
    lc = LineageClient(f"memory://?refuse_delete={str(g['refuse']).lower()}", progress=False)
    sm = lc.sagemaker
    kinds = ["context", *g["members"], *g["outside"]]
    arns = [make(sm, kind, f"n{i}") for i, kind in enumerate(kinds)]
    ctx = arns[0]
    for i in range(1, 1 + len(g["members"])):
        sm.add_association(SourceArn=ctx, DestinationArn=arns[i], AssociationType="AssociatedWith")
    for a, b, type_ in g["edges"]:
        a, b = a % len(arns), b % len(arns)
        params = {"SourceArn": arns[a], "DestinationArn": arns[b]}
        if type_:
            params["AssociationType"] = type_
        try:  # refused: self-links, repeated pairs, two experiment entities
            sm.add_association(**params)
        except sm.exceptions.ClientError:
            pass
    kind_of = dict(zip(arns, kinds, strict=True))
    before_entities, before_pairs = snapshot(lc)
    # what must happen, from the associations the store holds (the ground truth)
    links = lc.api.list_all("association", {"SourceArn": ctx, "AssociationType": "AssociatedWith"})
    members = {a["DestinationArn"] for a in links}
    inside = members | {ctx}
    shared = {
        m for s, d in before_pairs for m, other in ((s, d), (d, s)) if m in members and other not in inside
    }
    doomed = {ctx} | {m for m in members - shared if kind_of[m] in DELETABLE}

    saved = cleanup_ops.SCAN_PAGES_PER_MEMBER
    cleanup_ops.SCAN_PAGES_PER_MEMBER = g["scan"]
    try:
        plan = lc.cleanup(ctx, dry_run=True)
        report = lc.cleanup(plan)
    finally:
        cleanup_ops.SCAN_PAGES_PER_MEMBER = saved
    assert report.ok, report.errors
    assert {e.arn for e in plan.entities} == doomed
    assert {e.arn for e, _ in plan.kept} == members - doomed
    after_entities, after_pairs = snapshot(lc)
    assert after_entities == before_entities - doomed  # every outside entity and shared member is still there
    assert after_pairs == {(s, d) for s, d in before_pairs if s not in doomed and d not in doomed}
    assert not lc.api.pending_cleanups


def test_a_partial_scan_still_checks_every_member():
    """Three members to check and more than three pages of associations elsewhere: the scan stops at
    three pages, and the members it did not show shared are listed on their own."""
    lc = LineageClient("memory://", progress=False)
    sm = lc.sagemaker
    ctx = make(sm, "context", "ctx")
    shared, private, linked_late = (make(sm, "action", n) for n in ("shared", "private", "late"))
    for m in (shared, private, linked_late):
        sm.add_association(SourceArn=ctx, DestinationArn=m, AssociationType="AssociatedWith")
    hub = make(sm, "context", "hub")
    sm.add_association(SourceArn=hub, DestinationArn=shared)  # before the 400: beyond the 3 pages read
    service = local_service(sm)
    service.bulk_import(
        actions=[
            {"ActionName": f"x{i}", "ActionType": "T", "Source": {"SourceUri": f"x{i}"}} for i in range(400)
        ],
        associations=[
            {"SourceArn": hub, "DestinationArn": f"{service.arn_prefix}action/x{i}"} for i in range(400)
        ],
        manual=True,
    )
    exp = make(sm, "experiment", "exp")
    sm.add_association(SourceArn=linked_late, DestinationArn=exp)  # newest: on the scan's first page
    counter = CallCounter(sm)
    plan = lc.cleanup("ctx", dry_run=True)
    assert [e.name for e in plan.entities] == ["private", "ctx"]
    assert {e.name for e, _ in plan.kept} == {"shared", "late"}
    # describe + the context's two listings + three scan pages (newest first) + shared and private
    # listed both ways (late was settled by the scan)
    assert counter["ListAssociations"] == 2 + 3 + 4, dict(counter.calls)


def _bench_store(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        from ours import build_cleanup_store
    finally:
        sys.path.pop(0)
    db = str(tmp_path / "cleanup.db")
    return db, build_cleanup_store(db, 1000)


def test_the_benchmark_context_plans_in_a_few_dozen_calls(tmp_path):
    """The clean-up row of the benchmarks: a context with 1,000 members (500 artifacts, 500 actions).
    Today's plan listed every member both ways (2,012 calls to plan, 4,013 in all); the deletes alone
    are 2,001 (the service refuses to delete an entity that still has associations)."""
    db, name = _bench_store(tmp_path)
    lc = LineageClient(f"sqlite:///{db}", progress=False)
    counter = CallCounter(lc.sagemaker)
    plan = lc.cleanup(name, dry_run=True)
    planned = counter.total
    report = lc.cleanup(plan)
    assert report.ok and len(report.deleted_entities) == 1001 and len(report.deleted_associations) == 1000
    assert planned <= 25, dict(counter.calls)  # DescribeContext + 11 pages of its links + 10 scan pages
    deletes = sum(n for op, n in counter.calls.items() if op.startswith("Delete"))
    assert deletes == 2001 and counter.total == planned + deletes
    assert counter.total < TODAY * 0.51, dict(counter.calls)  # 2,023 of 4,013
    assert snapshot(lc) == (set(), set())


def test_cleanup_over_lineage_serve_counts_the_same(serve):
    """Over HTTP (no in-process shortcut): the same plan, the same few calls, and a shared member kept."""
    url = serve()
    lc = LineageClient(url, progress=False)
    sm = lc.sagemaker
    ctx = make(sm, "context", "ctx")
    members = [make(sm, "action", f"m{i}") for i in range(150)]
    for m in members:
        sm.add_association(SourceArn=ctx, DestinationArn=m, AssociationType="AssociatedWith")
    for a, b in zip(members, members[1:], strict=False):
        sm.add_association(SourceArn=a, DestinationArn=b, AssociationType="ContributedTo")
    exp = make(sm, "experiment", "exp")
    sm.add_association(SourceArn=members[7], DestinationArn=exp)
    other = make(sm, "context", "other")
    sm.add_association(SourceArn=other, DestinationArn=members[9], AssociationType="AssociatedWith")
    counter = CallCounter(sm)
    report = lc.cleanup("ctx")
    assert report.ok, report.errors
    # describe, 2+1 pages of the context's links, 4 scan pages (301 associations); was 1 + 3 + 300
    assert counter["DescribeContext"] + counter["ListAssociations"] == 8, dict(counter.calls)
    left_entities, left_pairs = snapshot(lc)
    assert left_entities == {members[7], members[9], exp, other}
    assert left_pairs == {(members[7], exp), (other, members[9])}
