"""The tutorials as a newcomer sees them in JupyterLab: opened from disk before running (an untrusted
notebook, as on GitHub or in a fresh clone), every graph is an image and every form a short
description, never a wall of SVG text or a widget repr; after Run All, no graph is wider than the
output area. Screenshots of each go to tests/_artifacts/."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"
TUTORIALS = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
WALL_OF_TEXT = ("n0->n1", "n0&#45;&gt;n1", "━━▶ Produced", "<svg")  # SVG source shown as text
WIDGET_REPR = re.compile(r"\w+Form\(children=\(|HBox\(children=|VBox\(children=")


def stored_outputs(name: str) -> list[tuple[int, list[dict]]]:
    """(cell index, outputs) of every code cell of the committed tutorial."""
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return [(i, c.get("outputs", [])) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def graph_cells(name: str) -> dict[int, int]:
    """Cell index -> how many graph images its committed outputs hold."""
    found = {}
    for index, outputs in stored_outputs(name):
        n = sum("image/svg+xml" in o.get("data", {}) for o in outputs)
        if n:
            found[index] = n
    return found


def form_cells(name: str) -> list[int]:
    return [
        i
        for i, outputs in stored_outputs(name)
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    ]


@pytest.fixture(scope="module")
def tutorials(lab):
    """The tutorials copied beside the server's root, as a fresh clone has them."""
    # every cell laid out, as a person scrolling through sees it (no virtual scrolling of cells)
    lab.api(
        "/lab/api/settings/@jupyterlab/notebook-extension:tracker",
        "PUT",
        {"raw": json.dumps({"windowingMode": "none"})},
    )
    folder = lab.root / "tutorials"
    folder.mkdir(exist_ok=True)
    for name in TUTORIALS:
        shutil.copy(NOTEBOOKS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def unrun(lab):
    """The tutorials without outputs, as a person who clears them before Run All has them."""
    folder = lab.root / "unrun"
    folder.mkdir(exist_ok=True)
    for name in TUTORIALS:
        nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
        for c in nb["cells"]:
            if c["cell_type"] == "code":
                c["outputs"], c["execution_count"] = [], None
        (folder / name).write_text(json.dumps(nb), encoding="utf-8")
    return folder


def open_notebook(lab, page, path: str):
    page.goto(f"{lab.url}/lab/tree/{path}?token={lab.token}&reset")
    nb = page.locator(PANEL)
    nb.locator(".jp-Cell").first.wait_for()
    close_file_browser(page)
    return nb


def close_file_browser(page) -> None:
    """Close the left panel, as the issue's screenshots did, when it is open."""
    tab = page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]')
    if tab.count() and "lm-mod-current" in (tab.get_attribute("class") or ""):
        tab.click()


def cell(nb, index: int):
    return nb.locator(".jp-Notebook .jp-Cell").nth(index)


# -- before running -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", TUTORIALS)
def test_before_running_every_graph_is_an_image_and_every_form_a_description(
    lab, browser, tutorials, shots, name
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        nb = open_notebook(lab, page, f"tutorials/{name}")
        graphs, forms = graph_cells(name), form_cells(name)
        for index, count in graphs.items():
            c = cell(nb, index)
            c.scroll_into_view_if_needed()
            images = c.locator(".jp-OutputArea-output img")
            expect(images).to_have_count(count)
            for k in range(count):
                img = images.nth(k)
                expect(img).to_be_visible()
                # an untrusted notebook: the PNG (JupyterLab does not render its SVG)
                assert img.evaluate("i => i.complete && i.naturalWidth > 0"), (
                    f"cell {index}: image not loaded"
                )
                assert img.get_attribute("src").startswith("data:image/png"), f"cell {index}"
            shots(c, f"{name.removesuffix('.ipynb')}-before-cell-{index}")
            text = c.locator(".jp-OutputArea").inner_text()
            assert not any(w in text for w in WALL_OF_TEXT), f"{name} cell {index} shows SVG as text"
        for index in forms:
            c = cell(nb, index)
            c.scroll_into_view_if_needed()
            shots(c, f"{name.removesuffix('.ipynb')}-before-cell-{index}")
            static = c.locator(".lineage-form-static")
            expect(static).to_be_visible()
            expect(static).to_contain_text("run this cell in Jupyter to use it")
        whole = nb.locator(".jp-Notebook").inner_text()
        assert not WIDGET_REPR.search(whole), f"{name} shows a widget repr"
        assert not any(w in whole for w in WALL_OF_TEXT), f"{name} shows SVG source as text"
        assert nb.locator(".jp-RenderedSVG").count() == 0  # it really is untrusted
        nb.locator(".jp-Cell").first.scroll_into_view_if_needed()
        shots(page, f"{name.removesuffix('.ipynb')}-before")
    finally:
        context.close()


# -- after Run All --------------------------------------------------------------------------------
def run_all(page, nb, expected_cells: int, timeout: float = 420) -> None:
    """Run All on a notebook without outputs; wait until every code cell has run."""
    prompts = nb.locator(".jp-CodeCell .jp-InputArea-prompt")
    nb.locator(".jp-Cell").first.click()  # the notebook is the current widget the menu acts on
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    done = re.compile(r"\[\d+\]:")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
        if dialog.count():
            dialog.locator("button.jp-mod-accept").click()
        texts = [t.strip() for t in prompts.all_text_contents()]
        if len(texts) == expected_cells and all(done.fullmatch(t) for t in texts):
            return
        page.wait_for_timeout(500)
    shot = ARTIFACTS / "run-all-FAILED.png"
    page.screenshot(path=str(shot))
    raise AssertionError(f"Run All did not finish (see {shot}): prompts {texts}")


def widest_images(nb) -> list[dict]:
    """Every graph in an output (a static image, or the interactive graph of ``%lineage trace``, its
    ``src`` then ``widget``, or ``form`` inside a form), with its width and the width of the output area
    it sits in."""
    return nb.locator(".jp-OutputArea-output img, .jp-OutputArea-output .lm-graph").evaluate_all(
        """nodes => nodes.map(i => {
            const area = i.closest('.jp-OutputArea-output');
            const src = i.tagName === 'IMG' ? i.src.slice(0, 24) : i.closest('.widget-box') ? 'form' : 'widget';
            return {src: src,
                    width: i.getBoundingClientRect().width,
                    natural: i.naturalWidth || i.scrollWidth, area: area.getBoundingClientRect().width,
                    scroll: area.scrollWidth - area.clientWidth};
        })"""
    )


@pytest.mark.timeout(1800)
def test_after_run_all_no_graph_is_wider_than_the_output_area(lab, browser, tutorials, unrun, shots):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    measured = []
    try:
        for name in TUTORIALS:
            code_cells = len(stored_outputs(name))
            kernel = lab.start_kernel(f"unrun/{name}")
            nb = open_notebook(lab, page, f"unrun/{name}")
            nb.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
                state="attached", timeout=120_000
            )
            run_all(page, nb, code_cells)
            errors = nb.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
            for index in graph_cells(name):
                cell(nb, index).scroll_into_view_if_needed()
            images = widest_images(nb)
            svgs = [i for i in images if i["src"].startswith(("data:image/svg", "widget"))]
            assert len(svgs) == sum(graph_cells(name).values()), f"{name}: {images}"
            for image in images:
                assert image["width"] <= image["area"] + 1, f"{name}: an image wider than its area {image}"
                assert image["scroll"] <= 0, f"{name}: an output area scrolls sideways {image}"
            measured += [(name, round(i["width"]), i["natural"], round(i["area"])) for i in svgs]
            assert errors.count() == 0 or name.startswith("02"), f"{name}: {errors.all_inner_texts()}"
            page.keyboard.press("Control+Home")
            shots(page, f"{name.removesuffix('.ipynb')}-after")
            for number, graph in enumerate(nb.locator(".jp-RenderedSVG").all()[:3]):
                graph.scroll_into_view_if_needed()
                shots(graph, f"{name.removesuffix('.ipynb')}-graph-{number}")
            lab.api(f"/api/kernels/{kernel}", method="DELETE")
    finally:
        context.close()
    print("\ngraph, shown width px, natural width px, output area px")
    for row in measured:
        print(*row)


def test_a_graph_too_wide_even_top_to_bottom_is_scaled_and_full_size_is_on_demand(lab, page, shots):
    from playwright.sync_api import expect

    url = lab.write_notebook(
        "wide.ipynb",
        [
            "from lineage_magics.render.samples import job_graph\n"
            "from lineage_magics.render.mimebundle import Picture\n"
            "job_graph(300)",
            "Picture(job_graph(30), full_size=True)",
        ],
    )
    lab.start_kernel("wide.ipynb")
    page.goto(url)
    nb = page.locator(PANEL)
    nb.locator(".jp-Cell").first.wait_for()
    close_file_browser(page)
    nb.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
        state="attached", timeout=120_000
    )
    nb.locator(".jp-Cell").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    expect(nb.locator(".jp-RenderedSVG img")).to_have_count(2, timeout=120_000)
    fitted, full = widest_images(nb)
    assert abs(fitted["width"] - fitted["area"]) <= 2 and fitted["scroll"] <= 0, fitted  # fills the area
    assert full["width"] > full["area"] and full["scroll"] > 0, full  # natural size: scroll to see it
    cell(nb, 0).scroll_into_view_if_needed()
    shots(cell(nb, 0), "fitted")
