"""The forms' states as a person sees them in JupyterLab (issue 19, items 4 and 5): what is visible
without scrolling, labels that are not cut, buttons that look disabled when they are, messages said
once and never stale. Screenshots of each state go to tests/_artifacts/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_lab_forms import PANEL, retype, run_cell  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext lineage_magics",
    "%lineage form cleanup project",
    "%lineage form link",
    "%lineage form entity",
]

NOT_CUT = "el => el.scrollWidth <= el.clientWidth + 1"
NO_SCROLL_BOX = "el => el.scrollHeight <= el.clientHeight + 1"
BACKGROUND = "el => getComputedStyle(el).backgroundColor"


def seed(client) -> None:
    """A context of three members and two entities outside it; the model is shared with another context, so a clean-up keeps it."""
    ctx = client.create_context("project", "Workflow")
    data = client.create_artifact("s3://bucket/data.csv", "DataSet", "train-data")
    step = client.create_action("train-step", "Training")
    model = client.create_artifact("s3://bucket/model.tar.gz", "Model", "model")
    for member in (data, step, model):
        client.associate(ctx, member)
    client.associate(data, step)
    client.associate(step, model)
    other = client.create_context("other", "Workflow")
    client.associate(other, model)
    raw = client.create_artifact("s3://bucket/raw.csv", "DataSet", "raw-data")  # outside both contexts
    client.associate(raw, client.create_action("prepare", "Processing"))


def test_form_states_in_the_page(lab, page, shots):
    from playwright.sync_api import expect

    from lineage_magics import LineageClient

    seed(LineageClient(lab.store_url, progress=False))
    url = lab.write_notebook("states.ipynb", CELLS)
    lab.start_kernel("states.ipynb")
    page.goto(url)
    nb = page.locator(PANEL)
    expect(nb.locator(".jp-Cell").first).to_be_visible()
    page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click()
    expect(nb.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).to_be_attached(timeout=120_000)
    run_cell(page, 0, tries=3)

    # -- clean-up ---------------------------------------------------------------------------
    form = run_cell(page, 1).locator(".lineage-cleanup-form")
    status = form.locator(".lineage-status")
    expect(status).to_have_text("2 contexts in this store")
    expect(form.locator(".lineage-cleanup-progress")).to_be_hidden()  # no empty bar at the start
    expect(form.locator("button", has_text="Dry run")).to_have_count(0)
    delete = form.locator("button.lineage-cleanup-delete")
    expect(delete).to_be_disabled()
    disabled_colour = delete.evaluate(BACKGROUND)
    form.locator("button.lineage-cleanup-preview").click()
    expect(status).to_contain_text("would delete 3 entities")
    details = form.locator(".lineage-cleanup-details")
    kept = details.locator("summary", has_text="Kept")
    entities = details.locator("summary", has_text="Entities deleted")
    expect(kept).to_be_visible()
    assert kept.bounding_box()["y"] < entities.bounding_box()["y"]  # what stays is read first
    assert details.evaluate(NO_SCROLL_BOX), "the plan sits in a scroll box"
    confirm = form.locator(".lineage-cleanup-confirm")
    expect(confirm).to_contain_text("I understand: Delete removes what is listed above")
    assert confirm.locator("label, .widget-label-basic").first.evaluate(NOT_CUT), "the confirm label is cut"
    form.scroll_into_view_if_needed()
    shots(form, "cleanup-previewed")
    confirm.locator("input").check()
    expect(delete).to_be_enabled()
    assert delete.evaluate(BACKGROUND) != disabled_colour, "an enabled Delete looks like a disabled one"
    delete.click()
    expect(status).to_have_text("deleted project: 3 entities and 5 associations")
    assert form.inner_text().count("deleted project") == 1  # the result is said once
    expect(form.locator(".lineage-cleanup-progress")).to_be_visible()
    chosen = form.locator(".lineage-cleanup-context select").evaluate("s => s.options[s.selectedIndex].text")
    assert chosen.replace("\xa0", " ") == "(choose a context)"  # the picker is not blank
    shots(form, "cleanup-deleted")

    # -- link ---------------------------------------------------------------------------------
    link = run_cell(page, 2).locator(".lineage-link-form")
    button = link.locator("button.lineage-link-button")
    retype(link.locator(".lineage-link-source input"), "raw-data")
    retype(link.locator(".lineage-link-destination input"), "prepare")
    expect(link.locator(".lineage-link-why")).to_have_text("already linked (ContributedTo)")
    expect(button).to_be_disabled()
    disabled_colour = button.evaluate(BACKGROUND)
    retype(link.locator(".lineage-link-destination input"), "model")
    expect(button).to_be_enabled()
    assert button.evaluate(BACKGROUND) != disabled_colour, "an enabled Link looks like a disabled one"
    button.click()
    expect(link.locator(".lineage-status")).to_have_text("linked raw-data → model (DerivedFrom)")
    retype(link.locator(".lineage-link-destination input"), "raw-data")
    expect(link.locator(".lineage-status")).to_have_text("")  # not the previous pair's success
    expect(link.locator(".lineage-link-why")).to_have_text("an entity cannot be linked to itself")
    shots(link, "link-same-entity")

    # -- entity ---------------------------------------------------------------------------------
    entity = run_cell(page, 3).locator(".lineage-entity-form")
    create = entity.locator("button.lineage-entity-create")
    why = entity.locator(".lineage-entity-why")
    expect(why).to_have_text("Create needs: name: a name is required; type: required")
    expect(create).to_be_disabled()
    disabled_colour = create.evaluate(BACKGROUND)
    retype(entity.locator(".lineage-entity-name input"), "other")
    retype(entity.locator(".lineage-entity-type input"), "Workflow")
    expect(create).to_be_enabled()
    assert create.evaluate(BACKGROUND) != disabled_colour, "an enabled Create looks like a disabled one"
    create.click()
    expect(entity.locator(".lineage-status")).to_have_text(
        "a context with the name other already exists: change it and Create again"
    )
    expect(entity.locator(".lineage-name-hint")).to_contain_text("a context with this name exists")
    expect(entity.locator(".lineage-entity-result")).to_have_text("")
    expect(why).to_contain_text("name: a context with this name already exists")
    shots(entity, "entity-duplicate")
