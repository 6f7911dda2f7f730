"""Mermaid rendering (``flowchart LR``) for Markdown, GitHub and JupyterLab."""

from __future__ import annotations

import re

from ..graph import LineageGraph
from ..text import shorten, visible
from . import style
from .view import select

# Characters kept as they are inside a quoted Mermaid label; everything else ASCII is entity-coded.
_SAFE = re.compile(r"[A-Za-z0-9 _.,:/@=+!?$%~*'-]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")

# Node shapes per lineage type: (open, close) around the quoted label.
_SHAPES = {
    "context": ("{{", "}}"),
    "action": ("(", ")"),
    "artifact": ("[", "]"),
    "trialcomponent": ("[[", "]]"),
    "experiment": ("([", "])"),
    "other": ("[", "]"),
}
_ARROWS = {"solid": "-->", "dashed": "-.->", "dotted": "-.->"}


def escape(text: object) -> str:
    """Text for a quoted Mermaid label: quotes, ``<``, ``>``, ``#``, ``;``, ``|``, brackets... as ``#NN;``."""
    out = []
    for ch in visible(text):
        if _SAFE.match(ch) or (ord(ch) > 127 and ch.isprintable()):
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def _label(text: str) -> str:
    return f'"{escape(text)}"'


def to_mermaid(graph: LineageGraph, max_vertices: int | None = None) -> str:
    """A Mermaid ``flowchart LR``: nodes ``n0``… coloured by lineage type, edges labelled by type.

    Capped like ``to_dot``; a capped view gets a "showing N of M vertices" title and "+K more" nodes.
    """
    view = select(graph, max_vertices)
    lines: list[str] = []
    if view.caption:
        lines += ["---", f"title: {view.caption}", "---"]
    lines.append("flowchart LR")
    if not view.vertices:
        lines.append('  empty["empty lineage graph"]')
        return "\n".join(lines) + "\n"
    used_kinds: list[style.Kind] = []
    for v in view.vertices:
        kind = style.kind_of(v)
        if kind not in used_kinds:
            used_kinds.append(kind)
        opening, closing = _SHAPES[kind.css]
        text = f"{shorten(style.display_name(v), 40, middle=True)} · {shorten(style.type_line(v), 40)}"
        lines.append(f"  {view.ids[v.arn]}{opening}{_label(text)}{closing}:::{kind.css}")
    for e in view.edges:
        arrow = _ARROWS[style.edge_style(e.type).style]
        if e.type and _WORD.fullmatch(e.type):
            arrow += f"|{e.type}|"
        elif e.type:
            arrow += f"|{_label(shorten(visible(e.type), 30))}|"
        lines.append(f"  {view.ids[e.source]} {arrow} {view.ids[e.destination]}")
    for m in view.more:
        lines.append(f'  {m.id}>"+{m.count} more"]:::more')
        ends = (m.id, view.ids[m.anchor]) if m.upstream else (view.ids[m.anchor], m.id)
        lines.append(f"  {ends[0]} -.- {ends[1]}")
    for kind in used_kinds:
        lines.append(f"  classDef {kind.css} fill:{kind.fill},stroke:{kind.border},color:{kind.font}")
    if view.more:
        lines.append("  classDef more fill:#ffffff,stroke:#8d99a8,color:#545b64,stroke-dasharray:4 3")
    if view.start in view.ids:
        lines.append(f"  style {view.ids[view.start]} stroke:{style.INK},stroke-width:4px")
    by_colour: dict[str, list[str]] = {}
    for i, e in enumerate(view.edges):
        by_colour.setdefault(style.edge_style(e.type).color, []).append(str(i))
    for colour, indexes in by_colour.items():
        lines.append(f"  linkStyle {','.join(indexes)} stroke:{colour}")
    return "\n".join(lines) + "\n"
