"""The graph widget in a real JupyterLab: hovered, clicked, expanded, re-centred, searched, downloaded,
driven by keyboard and read in the dark theme, in headless Chromium. Each step's screenshot is saved
under tests/_artifacts/ (the README's are copied from there into docs/images/)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_lab_forms import PANEL, retype, run_cell, seed_mnist  # noqa: E402

from ..widgets.conftest import seed_wide  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "%load_ext lineage_magics",
    "%lineage trace mnist-model",
    "%lineage trace wide --depth 2 --max 1000",
    "%lineage trace hostile",
    "%lineage form explore",
]
HOSTILE = '<img src=x onerror="window.pwned=1"> & "q" <script>window.pwned=2</script>'


def seed_hostile(client) -> None:
    act = client.create_action("hostile", "Step", properties={"note": HOSTILE})
    art = client.create_artifact(f"s3://bucket/{HOSTILE}", HOSTILE, properties={HOSTILE: HOSTILE})
    client.associate(act, art, "Produced")


def node(graph, label: str):
    return graph.locator(f'g.node[aria-label*="{label}"]').first


def test_the_graph_widget_by_hand(lab, page, shots):
    from playwright.sync_api import expect

    from lineage_magics import LineageClient

    client = LineageClient(lab.store_url, progress=False)
    seed_mnist(client)
    seed_wide(client)
    seed_hostile(client)
    url = lab.write_notebook("graph.ipynb", CELLS)
    lab.start_kernel("graph.ipynb")
    page.goto(url)
    nb = page.locator(PANEL)
    expect(nb.locator(".jp-Cell").first).to_be_visible()
    page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click()  # more room
    expect(nb.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).to_be_attached(timeout=120_000)
    run_cell(page, 0, tries=3)

    # -- the MNIST workflow traced: the widget, not an image --------------------------------------
    cell = run_cell(page, 1)
    graph = cell.locator(".lm-graph")
    expect(graph.locator("svg g.node").first).to_be_visible()
    assert cell.locator(".jp-RenderedSVG img").count() == 0  # the widget took the static picture's place
    vertices = graph.locator("svg g.node[data-arn]").count()
    assert vertices >= 10
    expect(graph.locator(".lm-caption")).to_have_text(re.compile(rf"{vertices} vertices, \d+ edges"))
    model = client.get("mnist-model")
    box = graph.locator(".lm-stage").bounding_box()
    assert box["width"] > 600  # fitted to the output area, not a thumbnail

    # hover: full ARN, type, source URI, properties, and (read from the kernel) the creation time
    node(graph, "mnist-model").hover()
    tip = graph.locator(".lm-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(model.arn)
    expect(tip).to_contain_text("Model · Artifact")
    expect(tip).to_contain_text(model.source_uri)
    expect(tip).to_contain_text("created")
    cell.scroll_into_view_if_needed()
    shots(cell, "1-hover")

    # click: selected, details panel with its actions
    node(graph, "model-build-step").click()
    details = graph.locator(".lm-details")
    expect(details.locator(".lm-title")).to_have_text("model-build-step")
    expect(details).to_contain_text(client.get("model-build-step").arn)
    expect(details).to_contain_text("Example")  # its property
    for action in ("Trace from here", "Impact", "Show in table", "Copy ARN"):
        expect(details.get_by_role("button", name=action)).to_be_visible()
    expect(graph.locator("g.node.lm-selected")).to_have_count(1)
    details.get_by_role("button", name="Impact").click()
    expect(graph.locator(".lm-panel")).to_contain_text("impact of model-build-step")
    expect(graph.locator(".lm-panel")).to_contain_text("mnist-endpoint")
    page.mouse.move(0, 0)
    shots(cell, "2-details")

    # search highlights
    graph.locator(".lm-search").fill("int8")
    expect(graph.locator("g.node.lm-match")).to_have_count(1)
    expect(graph.locator("g.node.lm-match")).to_have_attribute("aria-label", re.compile("mnist-model-int8"))
    expect(graph.locator(".lm-found")).to_have_text("1 match")
    shots(cell, "5-search")
    graph.locator(".lm-search").fill("")

    # legend toggles: hide artifacts, then show them again
    artifacts = graph.locator('svg g.node[aria-label^="Artifact "]').count()
    assert artifacts > 0
    graph.locator('.lm-toggle[data-key="Artifact"]').click()
    expect(graph.locator("svg g.node[data-arn]")).to_have_count(vertices - artifacts)
    graph.locator('.lm-toggle[data-key="Artifact"]').click()
    expect(graph.locator("svg g.node[data-arn]")).to_have_count(vertices)

    # a real download: a PNG file, named after the start
    with page.expect_download() as event:
        graph.locator("button.lm-export-png").click()
    download = event.value
    assert download.suggested_filename == "lineage-mnist-model.png"
    assert Path(download.path()).read_bytes().startswith(b"\x89PNG")

    # keyboard: Tab reaches the nodes, Enter selects
    graph.locator("button.lm-fit").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.matches('g.node[data-arn]')"):
            break
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label, "Tab never reached a node"
    page.keyboard.press("Enter")
    expect(graph.locator("g.node.lm-selected")).to_have_count(1)
    expect(details.locator(".lm-title")).to_have_text(label.split(" ", 1)[1].split(",")[0])

    # double-click: re-centred on that node; Back returns
    node(graph, "mnist-model-deployment").dblclick()
    expect(graph.locator("g.node.lineage-start")).to_have_attribute(
        "aria-label", re.compile("mnist-model-deployment")
    )
    expect(graph.locator("button.lm-back")).to_be_enabled()
    page.mouse.move(0, 0)
    shots(cell, "4-recentre")
    graph.locator("button.lm-back").click()
    expect(graph.locator("g.node.lineage-start")).to_have_attribute("aria-label", re.compile("mnist-model,"))

    # -- a capped 304-vertex graph: "+K more" opens in place --------------------------------------
    wide_cell = run_cell(page, 2)
    wide = wide_cell.locator(".lm-graph")
    expect(wide.locator(".lm-caption")).to_have_text("showing 150 of 304 vertices")
    before = wide.locator("svg g.node[data-arn]").count()
    assert before == 150
    more = wide.locator("g.node.lm-more").first
    count = int(re.search(r"(\d+) more", more.get_attribute("aria-label")).group(1))
    more.focus()
    page.keyboard.press("Enter")  # by keyboard: it is panned into sight, and Enter opens it
    expect(wide.locator("svg g.node[data-arn]")).to_have_count(before + count)
    expect(wide.locator(".lm-caption")).to_have_text(f"showing {before + count} of 304 vertices")
    expect(wide.locator(".lm-status")).to_contain_text(f"showing {count} more next to")
    wide.scroll_into_view_if_needed()
    shots(wide_cell, "3-expand")

    # -- hostile text: shown literally, never run ---------------------------------------------------
    hostile = run_cell(page, 3).locator(".lm-graph")
    target = hostile.locator("svg g.node[data-arn]").nth(1)
    target.hover()
    expect(hostile.locator(".lm-tip")).to_contain_text('<img src=x onerror="window.pwned=1">')
    target.click()
    expect(hostile.locator(".lm-details")).to_contain_text("<script>window.pwned=2</script>")
    assert page.evaluate("window.pwned") is None
    assert hostile.locator(".lm-tip img, .lm-details img, .lm-details script, svg script").count() == 0

    # -- the explore form: a hint first, then the same widget, fitted and readable --------------------
    form_cell = run_cell(page, 4)
    explore = form_cell.locator(".lineage-explore-form")
    expect(explore.locator(".lm-empty")).to_contain_text("Choose a start entity")
    explore.scroll_into_view_if_needed()
    shots(form_cell, "7-explore-empty")
    retype(explore.locator(".lineage-explore-start input"), "mnist-model")
    explore.locator(".lineage-explore-start select").select_option(label="artifact · mnist-model · Model")
    explore.locator("button.lineage-explore-trace").click()
    expect(explore.locator(".lineage-status")).to_contain_text("traced from mnist-model")
    names = explore.locator("g.node[data-arn] text")
    expect(names.first).to_be_visible()
    heights = names.evaluate_all("ts => ts.map(t => t.getBoundingClientRect().height)")
    assert min(heights) >= 8, heights  # every label line at least ~8 px tall (the names ~11 px)
    assert explore.locator(".lm-stage").bounding_box()["width"] > 700
    shots(form_cell, "8-explore")

    # -- the dark theme: the panels follow it and stay readable ----------------------------------------
    page.get_by_role("menuitem", name="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Theme$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^JupyterLab Dark$")).click()
    expect(page.locator("body[data-jp-theme-light='false']")).to_be_attached()
    node(graph, "mnist-model").click()
    colours = details.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
    background, ink = (_luminance(c) for c in colours)
    assert background < 0.2 and (ink + 0.05) / (background + 0.05) > 4.5, colours
    cell.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    shots(cell, "6-dark")


def _luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
