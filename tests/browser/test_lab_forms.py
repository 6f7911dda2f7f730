"""The forms in a real JupyterLab: typed into and clicked in headless Chromium, checked in the store."""

from __future__ import annotations

import re
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext lineage_magics",
    "%lineage form entity",
    "%lineage form link",
    "%lineage trace train-model",
    "%lineage form explore mnist-workflow",
]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # restored workspaces keep hidden panels
EXAMPLES = "https://sagemaker-example-files-prod-us-east-1.s3.amazonaws.com/datasets/image/MNIST"


def seed_mnist(client) -> None:
    """The 12-vertex MNIST workflow of SageMaker's lineage documentation (for the explore form)."""
    ctx = client.create_context("mnist-workflow", "MLWorkflow", "1700000000", properties={"example": "true"})
    art = {
        "images": client.create_artifact(
            f"{EXAMPLES}/t10k-images-idx3-ubyte.gz", "TestData", "mnist-test-images"
        ),
        "labels": client.create_artifact(
            f"{EXAMPLES}/t10k-labels-idx1-ubyte.gz", "TestLabels", "mnist-test-labels"
        ),
        "model": client.create_artifact(f"{EXAMPLES}/model/model.tar.gz", "Model", "mnist-model"),
        "train-image": client.create_artifact(
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.3.1-cpu-py37",
            "Image",
            "tensorflow-training",
        ),
        "serve-image": client.create_artifact(
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.3.1-cpu",
            "Image",
            "tensorflow-inference",
        ),
        "int8": client.create_artifact("s3://bucket/mnist/int8/model.tar.gz", "Model", "mnist-model-int8"),
        "copy": client.create_artifact(
            "s3://bucket/mnist/t10k-images-idx3-ubyte.gz", "TestData", "mnist-images-copy"
        ),
    }
    build = client.create_action(
        "model-build-step", "ModelBuild", status="Completed", properties={"Example": "Metadata"}
    )
    deploy = client.create_action("mnist-model-deployment", "ModelDeployment", status="Completed")
    endpoint = client.create_context("mnist-endpoint", "Endpoint")
    job = client.create_trial_component("tensorflow-training-job")
    links = [
        (ctx, art["images"], "AssociatedWith"),
        (ctx, art["labels"], "AssociatedWith"),
        (ctx, build, "AssociatedWith"),
        (ctx, art["model"], "AssociatedWith"),
        (art["images"], build, "ContributedTo"),
        (art["labels"], build, "ContributedTo"),
        (art["train-image"], build, "ContributedTo"),
        (build, art["model"], "Produced"),
        (build, job, "AssociatedWith"),
        (art["model"], deploy, "ContributedTo"),
        (art["serve-image"], deploy, "ContributedTo"),
        (deploy, endpoint, "AssociatedWith"),
        (art["int8"], art["model"], "DerivedFrom"),
        (art["copy"], art["images"], "SameAs"),
    ]
    for src, dst, kind in links:
        client.associate(src, dst, kind)


def accept_kernel_dialog(page) -> None:
    """If the page asks which kernel to use, take the one it offers, as a person would."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if dialog.count():
        dialog.locator("button.jp-mod-accept").click()
        dialog.wait_for(state="detached")


def run_cell(page, index: int, tries: int = 1):
    """Click into cell ``index``, press Shift+Enter as a person would, wait for it to finish.

    ``tries`` > 1 presses again when nothing ran (only for idempotent cells: a run sent while
    the kernel is still connecting can be dropped).
    """
    cell = page.locator(PANEL).locator(".jp-Notebook .jp-Cell").nth(index)
    prompt = cell.locator(".jp-InputArea-prompt")
    done = re.compile(r"\[\d+\]:")
    for attempt in range(tries, 0, -1):
        accept_kernel_dialog(page)
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        deadline = time.monotonic() + (120 if attempt == 1 else 15)
        while not done.fullmatch(prompt.inner_text().strip()) and time.monotonic() < deadline:
            accept_kernel_dialog(page)
            page.wait_for_timeout(250)
        if done.fullmatch(prompt.inner_text().strip()):
            break
        assert attempt > 1, f"cell {index} did not run: its prompt shows {prompt.inner_text()!r}"
    errors = cell.locator(
        '[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type*=error]'
    )
    assert errors.count() == 0, f"cell {index} failed: {errors.all_inner_texts()}"
    return cell


def retype(locator, text: str) -> None:
    """Select what the input holds and type over it, key by key."""
    locator.click()
    locator.press("Control+a")
    locator.press_sequentially(text, delay=15)


def test_create_link_and_trace_through_the_page(lab, page, shots):
    from playwright.sync_api import expect

    from lineage_magics import LineageClient

    reader = LineageClient(lab.store_url, progress=False)
    seed_mnist(reader)
    url = lab.write_notebook("forms.ipynb", CELLS)
    lab.start_kernel("forms.ipynb")
    started = time.monotonic()
    page.goto(url)
    nb = page.locator(PANEL)
    expect(nb.locator(".jp-Cell").first).to_be_visible()
    page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click()  # more room
    expect(nb.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).to_be_attached(timeout=120_000)
    run_cell(page, 0, tries=3)  # %load_ext is idempotent

    # -- the create form: an action (after a name the rules refuse), then an artifact --------
    entity = run_cell(page, 1).locator(".lineage-entity-form")
    create = entity.locator("button.lineage-entity-create")
    status = entity.locator(".lineage-status")
    entity.locator(".lineage-entity-kind button", has_text="action").click()
    name = entity.locator(".lineage-entity-name input")
    retype(name, "train_model")
    expect(entity.locator(".lineage-name-hint")).to_contain_text("'_' not allowed in action names")
    expect(create).to_be_disabled()
    retype(name, "train-model")
    expect(entity.locator(".lineage-name-hint")).to_contain_text("valid name")
    retype(entity.locator(".lineage-entity-type input"), "Training")
    expect(create).to_be_enabled()
    create.click()
    expect(status).to_have_text("created action train-model")
    expect(entity.locator(".lineage-entity-result")).to_contain_text("train-model")
    create.click()  # the same name again: the service's refusal shows in the status line, in red
    expect(status.locator(".lineage-status-error")).to_contain_text("already exists")

    entity.locator(".lineage-entity-kind button", has_text="artifact").click()
    retype(name, "train-data")
    retype(entity.locator(".lineage-entity-type input"), "DataSet")
    expect(create).to_be_disabled()  # an artifact needs its source URI
    retype(entity.locator(".lineage-entity-uri input"), "s3://bucket/train.csv")
    entity.locator("button.lineage-prop-add").click()
    row = entity.locator(".lineage-prop-row").first
    retype(row.locator("input").nth(0), "owner")
    retype(row.locator("input").nth(1), "ana")
    expect(create).to_be_enabled()
    create.click()
    expect(status).to_have_text("created artifact train-data")
    shots(entity, "1-entity-form")

    # -- the link form: filter, pick, link ------------------------------------------------
    link = run_cell(page, 2).locator(".lineage-link-form")
    retype(link.locator(".lineage-link-source input"), "train-data")
    link.locator(".lineage-link-source select").select_option(label="artifact · train-data · DataSet")
    retype(link.locator(".lineage-link-destination input"), "train-model")
    link.locator(".lineage-link-destination select").select_option(label="action · train-model · Training")
    expect(link).to_contain_text("→ ContributedTo")
    link.locator("button.lineage-link-button").click()
    expect(link.locator(".lineage-status")).to_have_text("linked train-data → train-model (ContributedTo)")
    expect(link.locator(".lineage-link-row")).to_have_count(1)
    shots(link, "2-link-form")

    # -- the trace magic shows the graph widget (tests/browser/test_lab_graph.py drives it) -----
    trace = run_cell(page, 3)
    expect(trace.locator(".lm-graph svg g.node").first).to_be_visible()
    trace.scroll_into_view_if_needed()
    shots(page, "3-trace")

    # -- the explore form on the 12-vertex workflow -----------------------------------------
    explore = run_cell(page, 4).locator(".lineage-explore-form")
    expect(explore.locator(".lineage-explore-caption")).to_contain_text("showing 12 of 12 vertices")
    expect(explore.locator(".lineage-explore-graph svg")).to_be_visible()
    assert explore.locator(".lineage-explore-graph svg g.node").count() == 12
    explore.scroll_into_view_if_needed()
    shots(explore, "explore-form")
    explore.locator(".lineage-explore-vertices select").select_option(label="Artifact · mnist-model · Model")
    explore.locator("button.lineage-explore-recentre").click()
    expect(explore.locator(".lineage-status")).to_have_text(
        re.compile(r"traced from mnist-model: \d+ vertices")
    )
    expect(explore.locator(".lineage-explore-vertices select")).to_contain_text(
        "★ Artifact · mnist-model · Model"
    )
    shots(explore, "explore-recentred")
    elapsed = time.monotonic() - started
    print(f"\nbrowser flow: {elapsed:.1f} s from page load to the explore form")

    # -- what the page did is in the store --------------------------------------------------
    action = reader.get("train-model")
    assert (action.kind, action.type) == ("action", "Training")
    data = reader.get("s3://bucket/train.csv")
    assert (data.kind, data.name, data.type, data.properties) == (
        "artifact",
        "train-data",
        "DataSet",
        {"owner": "ana"},
    )
    assert reader.list("actions", type="Training")[0].arn == action.arn
    links = [(a.source_arn, a.destination_arn, a.type) for a in reader.associations(action, direction="in")]
    assert links == [(data.arn, action.arn, "ContributedTo")]
