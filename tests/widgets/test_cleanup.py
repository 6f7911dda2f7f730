"""CleanupForm headless: Preview changes nothing; Delete needs confirming and empties the store."""

from __future__ import annotations

import pytest

from lineage_magics.widgets import CleanupForm


@pytest.fixture
def project(client):
    """A context with two artifacts and an action linked into it, plus an unrelated context."""
    ctx = client.create_context("project", "Workflow")
    data = client.create_artifact("s3://bucket/data.csv", "DataSet", "data")
    step = client.create_action("train", "Training")
    model = client.create_artifact("s3://bucket/model.tar.gz", "Model", "model")
    for member in (data, step, model):
        client.associate(ctx, member)
    client.associate(data, step)
    client.associate(step, model)
    client.create_context("other", "Workflow")
    return ctx


def snapshot(reader):
    return (
        sorted(e.arn for kind in ("contexts", "actions", "artifacts") for e in reader.list(kind)),
        sorted((a.source_arn, a.destination_arn) for a in reader.list("associations")),
    )


def test_preview_lists_exactly_the_plan_and_changes_nothing(client, reader, project):
    before = snapshot(reader)
    form = CleanupForm(client, context="project")
    assert form.context.value == project.arn
    form.preview_button.click()
    plan = client.plan_cleanup("project")
    assert form.status_level == "info", form.status
    assert form.status.startswith(f"would delete {len(plan.entities)} entities")
    assert f"and {len(plan.associations)} associations" in form.status
    assert "1 context" in form.status and "2 artifacts" in form.status and "1 action" in form.status
    for name in ("project", "data", "train", "model"):
        assert name in form.details.value
    assert form.details.value.count("<li>") == len(plan.entities) + len(plan.associations)
    assert snapshot(reader) == before


def test_one_way_to_see_the_plan_and_no_bar_before_a_delete(client, project):
    form = CleanupForm(client, context="project")
    labels = [b.description for b in form.buttons()]
    assert "Preview" in labels and "Dry run" not in labels  # Preview is the dry run
    assert form.progress.layout.display == "none"  # no empty bar before anything runs


def test_delete_needs_a_preview_and_the_confirm_box(client, reader, project):
    before = snapshot(reader)
    form = CleanupForm(client, context="project")
    assert form.delete_button.disabled and form.confirm.disabled
    form.confirm.value = True  # ticked in code, without a preview
    form.delete_button.click()  # a programmatic click bypasses `disabled`: still refused
    assert form.status == "preview first: Delete removes exactly what the preview lists"
    form.confirm.value = False
    form.preview_button.click()
    assert not form.confirm.disabled and form.delete_button.disabled
    form.delete_button.click()
    assert form.status_level == "error"
    assert form.status.startswith("tick the confirm box first")
    assert snapshot(reader) == before


def test_delete_is_refused_when_the_store_changed_since_the_preview(client, reader, project):
    form = CleanupForm(client, context="project")
    form.preview_button.click()
    form.confirm.value = True
    extra = reader.create_artifact("s3://bucket/late.csv", "DataSet", "late")
    reader.associate("project", extra)  # a new member after the preview
    before = snapshot(reader)
    form.delete_button.click()
    assert form.status == "the store changed since the preview: check the new list and confirm again"
    assert "late" in form.details.value and not form.confirm.value
    assert snapshot(reader) == before
    form.confirm.value = True
    form.delete_button.click()
    assert form.status_level == "ok", form.status
    assert reader.list("contexts")[0].name == "other"


def test_preview_lists_what_is_kept_and_why(client, reader, project):
    shared = reader.get("model")
    reader.associate("other", shared)  # the model is also used by another context
    form = CleanupForm(client, context="project")
    form.preview_button.click()
    assert "keeps 1 shared" in form.status
    assert "Kept</b> (1)" in form.details.value and "model" in form.details.value
    form.confirm.value = True
    form.delete_button.click()
    assert form.status_level == "ok", form.status
    assert reader.get("model").arn == shared.arn  # still there


def test_delete_leaves_nothing_behind_and_the_bar_reaches_its_max(client, reader, project):
    form = CleanupForm(client, context="project")
    form.preview_button.click()
    plan = form.plan
    planned = {getattr(e, "arn", e) for e in plan.entities}
    assert project.arn in planned and len(planned) == 4  # the context and its three members
    total = len(plan)
    form.confirm.value = True
    assert not form.delete_button.disabled
    form.delete_button.click()
    assert form.status_level == "ok", form.status
    assert (
        form.status
        == f"deleted project: {len(plan.entities)} entities and {len(plan.associations)} associations"
    )
    assert form.progress.layout.display is None and form.progress.max == total
    assert form.progress.value == form.progress.max
    assert form.progress.bar_style == "success"
    assert form.details.value == ""  # the result is said once, in the status line
    entities, associations = snapshot(reader)
    assert associations == []
    assert [reader.get(arn).name for arn in entities] == ["other"]
    assert not form.confirm.value  # the next delete needs confirming again
    assert [label for label, _arn in form.context.options] == ["(choose a context)", "other (Workflow)"]
    assert form.context.value == "" and form.context.label == "(choose a context)"  # not blank
    assert form.preview_button.disabled and form.delete_button.disabled


def test_changing_the_context_clears_the_preview_and_the_confirmation(client, project):
    form = CleanupForm(client, context="project")
    form.preview_button.click()
    form.confirm.value = True
    form.context.value = client.resolve("other")
    assert form.details.value == "" and not form.confirm.value and form.delete_button.disabled


def test_an_error_during_delete_shows_in_the_status_line(client, reader, project):
    form = CleanupForm(client, context="project")
    form.preview_button.click()
    form.confirm.value = True
    reader.cleanup("project")  # someone else cleaned it up first
    form.delete_button.click()
    assert form.status_level == "error"
    assert form.error is not None and "\n" not in form.status


def test_no_contexts(client):
    form = CleanupForm(client)
    assert form.context.options == (("(no contexts in this store)", ""),)
    assert form.status == "0 contexts in this store"
    assert form.preview_button.disabled and form.delete_button.disabled
    form.preview_button.click()
    assert form.status == "choose a context first"


def test_counts_are_spelled_right(client):
    client.create_context("only", "Workflow")
    form = CleanupForm(client)
    assert form.status == "1 context in this store"
    assert form.context.value == ""  # nothing is chosen for the user on a destructive form
    assert form.preview_button.disabled and form.preview_button.tooltip == "choose a context first"


def test_the_plan_opens_with_its_summary_and_what_is_kept(client, reader, project):
    reader.associate("other", reader.get("model"))
    form = CleanupForm(client, context="project")
    form.preview_button.click()
    html = form.details.value
    assert html.startswith(
        "<div class='lineage-cleanup-plan'><p style='margin:0 0 4px 0'>Delete would remove 3 entities "
        "(1 action, 1 artifact, 1 context) and 5 associations; keeps 1 shared.</p>"
    )
    assert html.index("<b>Kept</b> (1)") < html.index("<b>Entities deleted</b>")
    assert "<details open><summary><b>Kept</b>" in html and "max-height" not in html
    assert form.confirm.description == "I understand: Delete removes what is listed above"  # short


def test_long_lists_start_folded(client, project):
    for i in range(15):
        client.associate("project", client.create_artifact(f"s3://bucket/extra-{i}", "DataSet"))
    form = CleanupForm(client, context="project")
    form.preview_button.click()
    assert "<details><summary><b>Entities deleted</b> (19)" in form.details.value
    assert "<details><summary><b>Associations deleted</b> (20)" in form.details.value


def test_buttons_show_whether_they_can_be_pressed(client, project):
    form = CleanupForm(client, context="project")
    assert (form.delete_button.disabled, form.delete_button.button_style) == (True, "")
    assert form.delete_button.tooltip == "preview first"
    form.preview_button.click()
    assert form.delete_button.tooltip == "tick the confirm box first"
    form.confirm.value = True
    assert (form.delete_button.disabled, form.delete_button.button_style) == (False, "danger")
