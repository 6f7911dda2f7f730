"""EntityForm headless: fill it, click Create, check the store."""

from __future__ import annotations

import pytest

from lineage_magics.widgets import EntityForm, ExploreForm, FormError
from lineage_magics.widgets.entity_form import MAX_PROPERTIES


def fill(form, kind, name="", type_="", uri=""):
    form.kind.value = kind
    form.name.value = name
    form.type.value = type_
    form.source_uri.value = uri


def test_create_a_context_with_properties(client, reader):
    form = EntityForm(client)
    fill(form, "context", "my_workflow-1", "Workflow", "s3://bucket/wf")
    form.description.value = "the training workflow"
    form.properties.add_row("owner", "ana")
    form.properties.add_row("stage", "dev")
    form.properties.add_row()  # a blank row is ignored
    assert not form.create.disabled
    form.create.click()
    assert form.status_level == "ok", form.status
    assert form.status == "created context my_workflow-1"
    stored = reader.get("my_workflow-1")
    assert (stored.kind, stored.type) == ("context", "Workflow")
    assert stored.properties == {"owner": "ana", "stage": "dev"}
    assert stored.description == "the training workflow"
    assert form.value.arn == stored.arn


def test_create_an_action_with_its_status(client, reader):
    form = EntityForm(client, kind="action")
    assert form.action_status.layout.display is None  # shown for actions only
    fill(form, "action", "train-model", "Training")
    form.action_status.value = "InProgress"
    form.create.click()
    assert form.status_level == "ok", form.status
    stored = reader.get("train-model")
    assert (stored.kind, stored.type, stored.status) == ("action", "Training", "InProgress")
    form.kind.value = "context"
    assert form.action_status.layout.display == "none"


def test_create_an_artifact_by_uri_without_a_name(client, reader):
    form = EntityForm(client, kind="artifact")
    fill(form, "artifact", "", "DataSet", "")
    assert form.create.disabled
    assert "source URI: required for an artifact" in form.problems()
    form.source_uri.value = "s3://bucket/train.csv"
    assert not form.create.disabled
    form.create.click()
    assert form.status_level == "ok", form.status
    stored = reader.get("s3://bucket/train.csv")
    assert (stored.kind, stored.type, stored.source_uri) == ("artifact", "DataSet", "s3://bucket/train.csv")


@pytest.mark.parametrize(
    ("kind", "name", "why"),
    [
        ("action", "train_model", "'_' not allowed in action names (only letters, digits and '-')"),
        ("artifact", "raw_data", "'_' not allowed in artifact names"),
        ("context", "my context", "' ' not allowed in context names (only letters, digits, '-' and '_')"),
        ("context", "café", "'é' not allowed"),
        ("context", "-lead", "must start with a letter or digit"),
        ("action", "trail-", "must end with a letter or digit"),
        ("context", "x" * 121, "121 characters: at most 120"),
        ("action", "", "a name is required"),
    ],
)
def test_invalid_names_are_flagged_as_you_type_and_create_is_refused(client, reader, kind, name, why):
    form = EntityForm(client, kind=kind)
    form.type.value = "Thing"
    form.source_uri.value = "s3://bucket/x"
    form.name.value = name
    if name:
        assert why in form.name_hint.value.replace("&#x27;", "'")
        assert "✗" in form.name_hint.value
    assert form.create.disabled
    assert any(why in p for p in form.problems())
    form.create.click()  # a programmatic click bypasses `disabled`: the form must still refuse
    assert form.status_level == "error"
    assert form.status.startswith("cannot create: name:")
    assert form.value is None
    assert len(reader.list(kind + "s")) == 0


@pytest.mark.parametrize(("kind", "name"), [("context", "a_b"), ("action", "a-b-9"), ("artifact", "A1")])
def test_valid_names_pass(client, kind, name):
    form = EntityForm(client, kind=kind)
    form.name.value = name
    assert "valid name" in form.name_hint.value
    assert not any(p.startswith("name:") for p in form.problems())


def test_name_hint_escapes_what_is_typed(client):
    form = EntityForm(client, kind="action")
    form.name.value = "<script>alert(1)</script>"
    assert "<script" not in form.name_hint.value
    assert "&#x27;&lt;&#x27;" in form.name_hint.value


def test_a_duplicate_name_is_said_plainly_and_marked_on_the_name(client, reader):
    form = EntityForm(client)
    fill(form, "context", "dup", "Workflow")
    form.create.click()
    assert form.status_level == "ok" and len(form.result.children) == 2  # the success card
    form.create.click()
    assert form.status_level == "error"
    assert form.status == "a context with the name dup already exists: change it and Create again"
    assert isinstance(form.error, FormError) and "ServiceError" not in form.status
    assert form.result.children == ()  # no stale success card above the refusal
    assert "✗ a context with this name exists" in form.name_hint.value  # not "✓ valid name"
    assert (
        form.create.disabled
        and "Create needs: name: a context with this name already exists" in form.why.value
    )
    form.name.value = "dup-2"
    assert "valid name" in form.name_hint.value and not form.create.disabled
    assert form.status == ""  # the refusal was about the old name
    assert len(reader.list("contexts")) == 1


def test_a_duplicate_artifact_is_found_by_its_source_uri(client, reader):
    client.create_artifact("s3://bucket/data.csv", "DataSet", "data")
    form = EntityForm(client, kind="artifact")
    fill(form, "artifact", "other-name", "DataSet", "s3://bucket/data.csv")
    form.create.click()
    assert form.status == (
        "an artifact with the source URI s3://bucket/data.csv already exists: change it and Create again"
    )
    assert (
        form.create.disabled
        and "source URI: an artifact with this source URI already exists" in form.why.value
    )
    form.source_uri.value = "s3://bucket/data-2.csv"
    assert not form.create.disabled
    assert len(reader.list("artifacts")) == 1


def test_a_service_refusal_after_the_check_reads_the_same(client, reader, monkeypatch):
    form = EntityForm(client)
    fill(form, "action", "late", "Training")
    real = client.create_action

    def racing(*args, **kwargs):  # someone creates it between the form's check and its create
        real(*args, **kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "create_action", racing)
    form.create.click()
    assert form.status == "an action with the name late already exists: change it and Create again"


def test_create_says_why_it_is_disabled_and_looks_disabled(client):
    form = EntityForm(client, kind="artifact")
    assert form.create.disabled and form.create.button_style == ""
    assert form.why.value == (
        "<small>Create needs: type: required; source URI: required for an artifact</small>"
    )
    assert form.create.tooltip == "type: required; source URI: required for an artifact"
    fill(form, "artifact", "", "DataSet", "s3://bucket/a")
    assert not form.create.disabled and form.create.button_style == "primary" and form.why.value == ""


def test_a_success_message_does_not_outlive_the_next_edit(client):
    form = EntityForm(client)
    fill(form, "context", "first", "Workflow")
    form.create.click()
    assert form.status == "created context first"
    form.name.value = "second"
    assert form.status == ""


def test_the_saved_notebook_shows_a_readable_picture(client):
    form = EntityForm(client, kind="action")
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].splitlines() == [
        "Create a lineage entity (an interactive form: run this cell in Jupyter to use it)",
        "  Kind: action (or context, artifact)",
        "  Fields: name, type, source URI (optional), status, description, properties; then Create",
    ]
    assert bundle["text/html"].startswith(
        "<div class='lineage-form-static'><b>Create a lineage entity</b> <i>(an interactive form: run "
        "this cell in Jupyter to use it)</i><ul><li>Kind: action"
    )


def test_type_combobox_offers_the_types_in_use(client):
    client.create_context("a", "Workflow")
    client.create_context("b", "Experiment")
    client.create_action("c", "Training")
    form = EntityForm(client, kind="context")
    assert form.type.options == ("Experiment", "Workflow")
    form.kind.value = "action"
    assert form.type.options == ("Training",)
    fill(form, "action", "d", "Evaluation")
    form.create.click()
    assert form.type.options == ("Evaluation", "Training")


def test_property_rows_add_remove_and_limit(client):
    form = EntityForm(client)
    form.properties.add.click()
    form.properties.add.click()
    assert len(form.properties.rows.children) == 2
    remove = form.properties.rows.children[0].children[2]
    remove.click()
    assert len(form.properties.rows.children) == 1
    for _ in range(MAX_PROPERTIES - 1):
        form.properties.add.click()
    assert len(form.properties.rows.children) == MAX_PROPERTIES
    assert form.properties.add.disabled
    form.properties.add.click()  # refused, and said so
    assert len(form.properties.rows.children) == MAX_PROPERTIES
    assert form.status == "at most 30 properties"


def test_property_problems_block_create(client):
    form = EntityForm(client)
    fill(form, "context", "ctx", "Workflow")
    form.properties.add_row("", "orphan value")
    assert form.create.disabled
    assert "no key" in form.problems()[0]
    form.properties.rows.children[0].children[0].value = "k"
    form.properties.add_row("k", "again")
    assert "appears twice" in form.problems()[0]


def test_the_created_entity_can_be_explored(client):
    data = client.create_artifact("s3://bucket/in.csv", "DataSet")
    form = EntityForm(client)
    fill(form, "action", "prep", "Processing")
    form.create.click()
    client.associate(data, "prep")
    explore = form.result.children[1]
    assert explore.description == "Explore it"
    explore.click()
    explorer = form.result.children[1]
    assert isinstance(explorer, ExploreForm)
    assert explorer.value.start == form.value.arn
    assert len(explorer.value.vertices) == 2


def test_property_value_limits_follow_the_kind(client):
    form = EntityForm(client, kind="context")
    fill(form, "context", "ctx", "Workflow")
    form.properties.add_row("notes", "x" * 3000)
    assert form.problems() == ["property 'notes': values hold at most 2500 characters"]
    fill(form, "artifact", "", "DataSet", "s3://bucket/a")
    assert form.problems() == []  # artifact property values may hold 4096


def test_an_unknown_kind_is_refused(client):
    with pytest.raises(FormError, match="kind must be one of context, action, artifact, not 'model'"):
        EntityForm(client, kind="model")
