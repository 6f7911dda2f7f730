"""delete(cascade) and cleanup(context): plans, order, resume after interruption, throttling."""

from __future__ import annotations

import pytest

from lineage_magics import LineageClient, crud
from lineage_magics.connect import local_service
from lineage_magics.errors import NotFoundError, ServiceError
from lineage_magics.ops.cleanup import CleanupPlan, CleanupReport

from .conftest import CallCounter


def workflow(lc, name: str, n: int) -> str:
    """A context with n members (data artifacts feeding actions that produce models), all linked
    from the context, plus the edges between them. Returns the context ARN."""
    ctx = crud.create(lc.api, "context", name=name, type="Workflow")
    for i in range(n):
        data = crud.create(lc.api, "artifact", source_uri=f"s3://{name}/data{i}", type="DataSet")
        step = crud.create(lc.api, "action", name=f"{name}-step{i}", type="Training")
        crud.add_association(lc.api, ctx, data, "AssociatedWith")
        crud.add_association(lc.api, ctx, step, "AssociatedWith")
        crud.add_association(lc.api, data, step, "ContributedTo")
    return ctx


def store_is_empty(lc) -> bool:
    return not any(lc.list(k) for k in ("contexts", "actions", "artifacts", "associations"))


def test_delete_without_cascade_refuses_linked_entity(lc):
    lc.create_context("c", "T")
    lc.create_action("a", "T")
    lc.associate("c", "a")
    with pytest.raises(ServiceError, match="association"):
        lc.delete("a")
    assert lc.get("a")
    lc.disassociate("c", "a")
    report = lc.delete("a")
    assert isinstance(report, CleanupReport) and [e.name for e in report.deleted_entities] == ["a"]
    with pytest.raises(NotFoundError):
        lc.get("a", "action")


def test_cascade_delete_of_context_with_300_associations(any_lc):
    lc = any_lc
    ctx = crud.create(lc.api, "context", name="big", type="Workflow")
    for i in range(300):
        member = crud.create(lc.api, "action", name=f"m{i}", type="Step")
        crud.add_association(lc.api, ctx, member, "AssociatedWith")
    plan = lc.delete("big", cascade=True, dry_run=True)
    assert isinstance(plan, CleanupPlan) and len(plan.associations) == 300 and len(plan) == 301
    assert len(lc.list("associations")) == 300  # the dry run deleted nothing
    seen = []
    report = lc.delete("big", cascade=True, on_progress=lambda done, total: seen.append((done, total)))
    assert len(report.deleted_associations) == 300 and len(report.deleted_entities) == 1
    assert seen[-1] == (301, 301) and len(seen) == 301
    assert lc.list("associations") == [] and lc.list("contexts") == []
    assert len(lc.list("actions")) == 300  # the members stay: only the context was deleted


def test_cleanup_plan_keeps_shared_members(lc):
    ctx = workflow(lc, "wf", 3)
    other = crud.create(lc.api, "context", name="other", type="Workflow")
    shared = lc.resolve("wf-step0")
    crud.add_association(lc.api, other, shared, "AssociatedWith")
    plan = lc.plan_cleanup("wf")
    names = {e.label for e in plan.entities}
    assert "wf-step0" not in names and {"wf", "wf-step1", "wf-step2"} <= names
    assert len(plan.entities) == 6  # 3 data + 2 steps + the context
    assert [e.label for e, _ in plan.kept] == ["wf-step0"] and "other" in plan.kept[0][1]
    assert "keeps 1 shared" in repr(plan) and "keep" in plan._repr_html_()
    report = lc.cleanup("wf")
    assert report.ok and len(report.deleted_entities) == 6
    assert [e.name for e in lc.list("contexts")] == ["other"]
    assert [e.name for e in lc.list("actions")] == ["wf-step0"]
    assert len(lc.list("associations")) == 1  # other -> wf-step0
    assert ctx not in {a.source_arn for a in lc.list("associations")}


def test_cleanup_dry_run_writes_nothing_and_html_is_escaped(lc):
    crud.create(lc.api, "context", name="c", type="<b>T</b>")
    member = crud.create(lc.api, "artifact", source_uri="s3://x/<script>", type="DataSet", name="m")
    crud.add_association(lc.api, lc.resolve("c"), member, "AssociatedWith")
    plan = lc.cleanup("c", dry_run=True)
    assert isinstance(plan, CleanupPlan) and len(plan) == 3
    assert len(lc.list("associations")) == 1 and len(lc.list("artifacts")) == 1
    page = plan._repr_html_()
    assert "<b>T</b>" not in page and "&lt;b&gt;T&lt;/b&gt;" in page


class Interrupt(Exception):
    pass


@pytest.mark.parametrize("fresh_client", [False, True])
def test_interrupted_cleanup_is_finished_by_a_rerun(tmp_path, fresh_client):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    lc = LineageClient(url, progress=False)
    workflow(lc, "wf", 40)  # 80 members, 120 associations
    total = len(lc.plan_cleanup("wf"))
    assert total == 201

    def stop_midway(done, total):
        if done >= total // 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        lc.cleanup("wf", on_progress=stop_midway)
    assert 0 < len(lc.list("associations")) < 120 or len(lc.list("actions")) < 40
    rerun = LineageClient(url, progress=False) if fresh_client else lc
    report = rerun.cleanup("wf")
    assert report.ok, report.errors
    assert store_is_empty(rerun)


def test_cleanup_survives_throttling(lc):
    workflow(lc, "wf", 167)  # 334 members, 501 associations (one member will be shared)
    workflow(lc, "keep", 5)  # must survive untouched
    crud.add_association(lc.api, lc.resolve("keep"), lc.resolve("wf-step0"), "AssociatedWith")  # shared
    assert len(lc.list("associations")) == 501 + 15 + 1
    lc.api.retry_base = 0.005  # keep the test quick; the retry loop is the same
    local_service(lc.sagemaker).configure(throttle_rate=0.3, seed=7)
    counter = CallCounter(lc.sagemaker)
    report = lc.cleanup("wf")
    local_service(lc.sagemaker).configure(throttle_rate=0.0)
    assert counter.errors["ThrottlingException"] > 200  # a third of ~1200 calls was refused
    assert report.ok, report.errors[:3]
    assert len(report.deleted_associations) == 501 and len(report.deleted_entities) == 334
    assert [e.name for e in lc.list("contexts")] == ["keep"]
    assert {e.name for e in lc.list("actions")} == {"wf-step0", *(f"keep-step{i}" for i in range(5))}
    assert len(lc.list("artifacts")) == 5 and len(lc.list("associations")) == 16
    assert lc.context_graph("keep").vertex(lc.resolve("wf-step0")).name == "wf-step0"


def test_throttling_from_url_and_progress_bar(tmp_path, capsys):
    lc = LineageClient("memory://?throttle=0.3&seed=3", progress=True)
    lc.api.retry_base = 0.005
    ctx = crud.create(lc.api, "context", name="c", type="T")
    for i in range(20):
        crud.add_association(
            lc.api, ctx, crud.create(lc.api, "action", name=f"a{i}", type="T"), "AssociatedWith"
        )
    report = lc.cleanup("c")
    assert report.ok and len(report.deleted_entities) == 21
    assert "cleanup c" in capsys.readouterr().err  # tqdm wrote its bar


def test_cascade_delete_of_experiments_trials_and_trial_components(lc):
    lc.create_experiment("exp")
    for t in ("t1", "t2"):
        lc.create_trial(t, "exp")
        for i in range(3):
            tc = lc.create_trial_component(f"{t}-tc{i}")
            lc.add_trial_component(t, tc)
    shared = lc.create_trial_component("shared")
    lc.add_trial_component("t1", shared)
    lc.add_trial_component("t2", shared)
    lc.create_action("step", "T")
    lc.associate(shared, "step")
    with pytest.raises(ServiceError, match="trial"):
        lc.delete("exp")
    plan = lc.delete("shared", cascade=True, dry_run=True)
    assert sorted(plan.memberships) == [("shared", "t1"), ("shared", "t2")] and len(plan.associations) == 1
    lc.delete("shared", cascade=True)
    assert {e.name for e in lc.list("trial-components", trial="t1")} == {"t1-tc0", "t1-tc1", "t1-tc2"}
    with pytest.raises(NotFoundError):
        lc.get("shared", "trial-component")
    plan = lc.delete("exp", cascade=True, dry_run=True)
    assert [e.kind for e in plan.entities] == ["trial", "trial", "experiment"] and len(plan.memberships) == 6
    assert "6 trial memberships" in repr(plan)
    report = lc.delete("exp", cascade=True)
    assert len(report.removed_memberships) == 6 and len(report.deleted_entities) == 3
    assert lc.list("experiments") == [] and lc.list("trials") == []
    assert len(lc.list("trial-components")) == 6  # the components themselves stay


def _journals(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _die_between_link_and_member(lc, folder, seen: list) -> None:
    """Stop the run at its first DeleteAction (the member's link is gone, the member is not)."""

    def die(model, **_):
        if model.name == "DeleteAction" and not seen:
            seen.append(_journals(folder))
            raise Interrupt

    # on "*": botocore calls wildcard handlers (the local service's among them) before exact ones
    lc.sagemaker.meta.events.register_first("before-call.sagemaker.*", die)


def test_cleanup_journal_next_to_an_sqlite_store_and_gone_when_done(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    url = f"sqlite:///{tmp_path / 'l.db'}"
    lc = LineageClient(url, progress=False, max_workers=1)
    workflow(lc, "wf", 3)
    folder, seen = tmp_path / "l.db.cleanups", []
    _die_between_link_and_member(lc, folder, seen)
    with pytest.raises(Interrupt):
        lc.cleanup("wf")
    assert len(seen) == 1 and len(seen[0]) == 1 and seen[0][0].endswith(".json")
    assert _journals(folder) == seen[0]  # left for the next run, in another process
    report = LineageClient(url, progress=False).cleanup("wf")
    assert report.ok and store_is_empty(lc)
    assert not folder.exists() and not home.exists()


def test_cleanup_journal_of_memory_stays_in_memory(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    lc = LineageClient("memory://", progress=False, max_workers=1)
    workflow(lc, "wf", 3)
    seen: list = []
    _die_between_link_and_member(lc, home / ".lineage_magics" / "cleanups", seen)
    with pytest.raises(Interrupt):
        lc.cleanup("wf")
    assert seen == [[]]
    assert lc.cleanup("wf").ok and store_is_empty(lc)
    assert not home.exists()


def test_cleanup_journal_over_http_under_home(tmp_path, monkeypatch, serve):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    url = serve()
    lc = LineageClient(url, progress=False, max_workers=1)
    workflow(lc, "wf", 2)
    folder, seen = home / ".lineage_magics" / "cleanups", []
    _die_between_link_and_member(lc, folder, seen)
    with pytest.raises(Interrupt):
        lc.cleanup("wf")
    assert len(seen) == 1 and len(seen[0]) == 1
    assert LineageClient(url, progress=False).cleanup("wf").ok
    assert not folder.exists()


def test_cleanup_report_is_a_summary_and_a_table(lc):
    workflow(lc, "wf", 2)
    report = lc.cleanup("wf")
    assert report.summary() == "wf: deleted 5 entities (2 actions, 2 artifacts, 1 context) and 6 associations"
    html = report._repr_html_()
    assert html.count("<tr") == 1 + 5 and "<th style='text-align:left'>result</th>" in html
    assert "wf-step0" in html and "showing 5 of 5" in html
