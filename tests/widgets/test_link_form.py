"""LinkForm headless: pick, link, unlink, and check the store."""

from __future__ import annotations

import pytest

from lineage_magics.widgets import LinkForm


@pytest.fixture
def entities(client):
    data = client.create_artifact("s3://bucket/train.csv", "DataSet", "train-data")
    step = client.create_action("train-step", "Training")
    model = client.create_artifact("s3://bucket/model.tar.gz", "Model", "model")
    ctx = client.create_context("project", "Workflow")
    return {"data": data, "step": step, "model": model, "ctx": ctx}


def links_in_store(reader, ref):
    return {(a.source_arn, a.destination_arn, a.type) for a in reader.associations(ref, direction="out")}


def test_pickers_list_every_entity_and_filter_as_you_type(client, entities):
    form = LinkForm(client)
    assert len(form.source.select.options) == 4
    assert form.source.value is None  # nothing chosen before the user picks
    form.source.filter.value = "model"
    labels = [label for label, _arn in form.source.select.options]
    assert labels == ["artifact · model · Model"]
    assert form.source.value == entities["model"].arn  # typing picks the first match
    form.source.filter.value = "training"  # matches the type too
    assert form.source.value == entities["step"].arn
    form.source.filter.value = "nothing-like-this"
    assert form.source.select.options == () and form.source.value is None
    assert "0 of 4" in form.source.count.value


def test_link_with_the_default_type_for_the_two_kinds(client, reader, entities):
    form = LinkForm(client)
    assert form.link.disabled
    form.source.filter.value = "train-data"
    form.destination.filter.value = "train-step"
    assert not form.link.disabled
    assert "ContributedTo" in form.type_hint.value
    form.link.click()
    assert form.status_level == "ok", form.status
    assert form.status == "linked train-data → train-step (ContributedTo)"
    assert links_in_store(reader, entities["data"].arn) == {
        (entities["data"].arn, entities["step"].arn, "ContributedTo")
    }
    assert form.value.type == "ContributedTo"


def test_link_with_a_chosen_type_and_list_the_sources_links(client, reader, entities):
    form = LinkForm(client, source="train-step", destination="model", type="Produced")
    assert form.source.value == entities["step"].arn
    form.link.click()
    assert form.status_level == "ok", form.status
    form.destination.value = entities["ctx"].arn
    form.type.value = "AssociatedWith"
    form.link.click()
    assert links_in_store(reader, entities["step"].arn) == {
        (entities["step"].arn, entities["model"].arn, "Produced"),
        (entities["step"].arn, entities["ctx"].arn, "AssociatedWith"),
    }
    rows = [r.children[1].value for r in form.links.children]
    assert len(rows) == 2
    assert any("train-step → model" in r and "Produced" in r for r in rows)
    assert "Links of <b>train-step</b>: 2" in form.links_title.value


def test_unlink_removes_the_association_from_the_store(client, reader, entities):
    client.associate(entities["data"], entities["step"])
    client.associate(entities["data"], entities["model"])
    form = LinkForm(client, source="train-data")
    assert len(form.links.children) == 2
    row = next(r for r in form.links.children if "model" in r.children[1].value)
    row.children[0].click()
    assert form.status_level == "ok", form.status
    assert form.status == "unlinked train-data → model"
    assert links_in_store(reader, entities["data"].arn) == {
        (entities["data"].arn, entities["step"].arn, "ContributedTo")
    }
    assert len(form.links.children) == 1


def test_linking_an_entity_to_itself_is_refused(client, reader, entities):
    form = LinkForm(client, source="model", destination="model")
    assert form.link.disabled and form.link.button_style == ""
    assert form.why.value == "<small>an entity cannot be linked to itself</small>"
    form.link.click()
    assert form.status == "an entity cannot be linked to itself"
    assert links_in_store(reader, entities["model"].arn) == set()


def test_a_service_error_shows_in_the_status_line(client, reader, entities):
    form = LinkForm(client, source="train-data", destination="train-step")
    reader.delete("train-step")  # gone behind the form's back
    form.link.click()
    assert form.status_level == "error"
    assert "\n" not in form.status and form.error is not None
    form.reload.click()
    assert len(form.source.select.options) == 3


def test_labels_are_escaped(client):
    client.create_context("ctx", "<img src=x onerror=alert(1)>")
    form = LinkForm(client, source="ctx")
    label = form.source.select.options[0][0]
    assert label == "context · ctx · <img src=x onerror=alert(1)>"  # a Select shows its options as text
    client.create_artifact("s3://b/<img src=x onerror=alert(1)>", "Data")
    client.associate("ctx", "s3://b/<img src=x onerror=alert(1)>")
    form.load()
    html = form.links.children[0].children[1].value
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html


def test_picking_the_same_entity_clears_the_last_success_and_says_why(client, entities):
    form = LinkForm(client, source="train-data", destination="train-step")
    form.link.click()
    assert form.status == "linked train-data → train-step (ContributedTo)"
    form.destination.value = entities["data"].arn
    assert form.status == ""  # not the previous pair's success
    assert form.link.disabled and "cannot be linked to itself" in form.why.value


def test_an_existing_link_is_not_reported_as_new(client, reader, entities):
    client.associate(entities["data"], entities["step"])
    form = LinkForm(client, source="train-data", destination="train-step")
    assert form.link.disabled and form.why.value == "<small>already linked (ContributedTo)</small>"
    form.link.click()  # a programmatic click bypasses `disabled`
    assert form.status == "train-data → train-step is already linked (ContributedTo)"
    assert "linked train-data" not in form.status
    form.type.value = "DerivedFrom"
    assert (
        form.why.value
        == "<small>already linked as ContributedTo: unlink it first to make it DerivedFrom</small>"
    )
    assert links_in_store(reader, entities["data"].arn) == {
        (entities["data"].arn, entities["step"].arn, "ContributedTo")
    }
    form.destination.value = entities["model"].arn
    assert not form.link.disabled and form.link.button_style == "primary" and form.why.value == ""


def test_a_link_made_behind_the_form_is_found_on_link(client, reader, entities):
    form = LinkForm(client, source="train-data", destination="train-step")
    reader.associate(entities["data"], entities["step"])
    form.link.click()
    assert form.status_level == "error"
    assert form.status == "train-data → train-step is already linked (ContributedTo)"


def test_the_saved_notebook_shows_the_pair(client, entities):
    form = LinkForm(client, source="train-data")
    assert form._repr_mimebundle_()["text/plain"].splitlines() == [
        "Link two lineage entities (an interactive form: run this cell in Jupyter to use it)",
        "  Source: train-data",
        "  Destination: (choose)",
        "  Type: the default for the two kinds",
    ]
