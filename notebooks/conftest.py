"""pytest collects the tutorials as nbval tests, strict, with or without ``--nbval``.

``pytest notebooks/`` (or ``pytest`` with ``notebooks`` in ``testpaths``) runs every notebook through
nbval in strict mode: each code cell is re-run and its outputs compared with the committed ones,
after the patterns of ``nbval-sanitize.cfg`` (ARNs, timestamps, addresses...) are applied to both.
Unless told otherwise on the command line, the kernel is the Python running pytest
(``--nbval-current-env``) and the sanitize file is the one beside this file.

Graphs are compared on what they show, not on where ``dot`` put it: inside every ``<svg>...</svg>``
(an ``image/svg+xml`` output, or one embedded in ``text/html``), the numbers of the geometry
attributes (``width``, ``height``, ``viewBox``, ``transform``, ``x``, ``y``, ``points``...) are
masked and a path keeps only its commands, in stored and fresh outputs alike. Text is measured with
whatever fonts fontconfig finds on the machine, so these numbers differ between machines; every
node, edge, label, colour, style and the legend are still compared. See ``normalise_svg``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nbval.plugin import IPyNbFile

SANITIZE = Path(__file__).with_name("nbval-sanitize.cfg")

SVG_ELEMENT = re.compile(r"(?s)<svg\b.*?</svg>")  # (?s) inline: nbval passes the pattern as a string
# attributes whose values are positions and sizes (an attribute starts after whitespace, so
# ``stroke-width`` and ``font-size``, which the graph's source sets, are kept)
GEOMETRY = re.compile(
    r'(?<=\s)(width|height|viewBox|transform|x|y|x1|y1|x2|y2|dx|dy|cx|cy|r|rx|ry|points|textLength|d)="([^"]*)"'
)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _geometry(match: re.Match) -> str:
    name, value = match.groups()
    if name == "d":  # an edge's spline has as many control points as the layout needs: keep the commands
        return f'd="{re.sub(r"[^A-Za-z]", "", value)}"'
    return f'{name}="{NUMBER.sub("#", value)}"'  # a shape keeps its number of points


def normalise_svg(svg: str | re.Match) -> str:
    """An SVG document with the numbers of its geometry masked (``x="#"``, ``points="#,# #,#..."``)."""
    text = svg.group(0) if isinstance(svg, re.Match) else svg
    return GEOMETRY.sub(_geometry, text)


class Tutorial(IPyNbFile):
    """nbval's notebook, with the SVG geometry masked after the patterns of the sanitize file."""

    def setup_sanitize_files(self):
        super().setup_sanitize_files()
        # nbval applies each pattern with re.sub(regex, replace, output): a function replaces too
        self.sanitize_patterns[SVG_ELEMENT.pattern] = normalise_svg


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    if file_path.suffix != ".ipynb":
        return (yield)
    option = parent.config.option
    if option.nbval_sanitize_with is None:
        option.nbval_sanitize_with = str(SANITIZE)
    if not option.nbval_kernel_name:
        option.nbval_current_env = True
    collected = yield  # with --nbval or --nbval-lax, nbval's own hook has collected it too
    others = [node for node in collected if not isinstance(node, IPyNbFile)]
    return [*others, Tutorial.from_parent(parent, path=file_path)]
