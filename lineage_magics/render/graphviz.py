"""Graphviz rendering: a ``graphviz.Digraph`` of a LineageGraph, and SVG/PNG/PDF through ``dot``."""

from __future__ import annotations

import html
import os
from pathlib import Path

import graphviz

from ..errors import LineageError
from ..graph import LineageGraph, Vertex
from ..text import shorten, uri_tail, visible
from . import style
from .formats import DRAWN_FORMATS
from .view import More, View, select

GRAPH_NAME = "lineage"  # the SVG <title>
INSTALL_HINT = (
    "Graphviz `dot` not found: install it (apt-get install graphviz / conda install graphviz / "
    "brew install graphviz) to draw lineage graphs"
)
LABEL_CHARS = 32
RANKDIRS = ("LR", "TB")


class DotNotFoundError(LineageError, graphviz.ExecutableNotFound):
    """The ``dot`` binary is not installed (or not on PATH)."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


class RenderError(LineageError):
    """``dot`` ran but refused the graph."""


# -- escaping ----------------------------------------------------------------------
def _h(text: str) -> str:
    """Text for an HTML-like label (text already made visible); ``dot`` still reads ``\\N`` there."""
    return html.escape(text, quote=True).replace("\\", "\\\\")


def _plain(lines: list[str]) -> str:
    """A DOT escString label of lines: backslashes doubled, ``&`` as ``&amp;``, ``\\n`` between lines."""
    return graphviz.nohtml("\\n".join(line.replace("\\", "\\\\").replace("&", "&amp;") for line in lines))


def _tip(lines: list[str]) -> str:
    """A tooltip of lines. Graphviz 2.43 unescapes tooltips twice (a doubled ``\\N`` still becomes the
    node name), so each backslash is doubled and followed by a zero-width space, which no pass reads
    as an escape: the reader sees one backslash."""
    return graphviz.nohtml(
        "\\n".join(line.replace("\\", "\\\\\u200b").replace("&", "&amp;") for line in lines)
    )


# -- labels ------------------------------------------------------------------------
def _vertex_label(vertex: Vertex, kind: style.Kind) -> str:
    name = _h(shorten(style.display_name(vertex), LABEL_CHARS, middle=True))
    rows = [f"<b>{name}</b>", f'<font point-size="9">{_h(shorten(style.type_line(vertex), 40))}</font>']
    tail = visible(uri_tail(vertex.source_uri))
    if vertex.lineage_type == "Artifact" and tail and tail != vertex.label:
        tail = tail if len(tail) <= LABEL_CHARS else "…" + tail[-(LABEL_CHARS - 1) :]
        rows.append(f'<font point-size="8"><i>{_h(tail)}</i></font>')
    return "<" + "<br/>".join(rows) + ">"


def _legend(view: View, title: str | None, legend: bool) -> str | None:
    """The graph label: title, the "showing N of M" caption, and a legend of what appears."""
    rows: list[str] = []
    if title:
        rows.append(
            f'<tr><td align="left"><font point-size="14"><b>'
            f"{_h(shorten(visible(title), 120))}</b></font></td></tr>"
        )
    if view.caption:
        more = "; dashed “+K more” boxes stand for the rest" if view.more else ""
        rows.append(
            f'<tr><td align="left"><font color="{style.INK}" point-size="12">'
            f"<b>{_h(view.caption)}</b>{_h(more)}</font></td></tr>"
        )
    if legend and view.vertices:
        present = {v.lineage_type if v.lineage_type in style.KINDS else None for v in view.vertices}
        cells = []
        for key in style.KIND_ORDER:
            if key in present:
                kind = style.KINDS[key]
                cells.append(
                    f'<td bgcolor="{kind.fill}" border="1" color="{kind.border}">'
                    f'<font color="{kind.font}" point-size="9">{_h(kind.name)}</font></td>'
                )
        if view.start in view.ids:
            cells.append(f'<td border="3" color="{style.INK}"><font point-size="9">start</font></td>')
        types = {e.type for e in view.edges}
        known = [t for t in style.EDGE_ORDER if t in types]
        others = sorted(t for t in types if t and t not in style.EDGE_STYLES)
        for t in known + others:
            es = style.edge_style(t)
            dash = {"solid": "━━▶", "dashed": "╍╍▶", "dotted": "┅┅▶"}[es.style]
            cells.append(
                f'<td><font color="{es.color}" point-size="9">{dash} '
                f"{_h(shorten(visible(t), 30))}</font></td>"
            )
        # A table of its own, so the legend cells keep their size whatever the caption's width.
        rows.append(
            '<tr><td align="left"><table border="0" cellborder="0" cellspacing="4" cellpadding="3"><tr>'
            + "".join(cells)
            + "</tr></table></td></tr>"
        )
    if not view.vertices:
        rows.append('<tr><td align="left">empty lineage graph (no vertices)</td></tr>')
    if not rows:
        return None
    return '<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">' + "".join(rows) + "</table>>"


# -- the graph ---------------------------------------------------------------------
def to_dot(
    graph: LineageGraph,
    *,
    max_vertices: int | None = None,
    cluster_contexts: bool = False,
    legend: bool = True,
    title: str | None = None,
    rankdir: str = "LR",
) -> graphviz.Digraph:
    """A ``graphviz.Digraph`` of ``graph``: left to right (``rankdir="TB"``: top to bottom), coloured
    by lineage type, capped.

    ``max_vertices`` keeps that many vertices nearest the start (default
    ``view.DEFAULT_MAX_VERTICES``); cut vertices become "+K more" nodes and a
    "showing N of M vertices" caption. ``cluster_contexts`` boxes each context with
    the vertices it is AssociatedWith.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    view = select(graph, max_vertices)
    dot = graphviz.Digraph(
        GRAPH_NAME,
        graph_attr={
            "rankdir": rankdir,
            "charset": "UTF-8",
            "fontname": style.FONT,
            "fontsize": "11",
            "nodesep": "0.25",
            "ranksep": "0.5",
            "outputorder": "edgesfirst",
            "labelloc": "t",
            "labeljust": "l",
            "bgcolor": "white",
            "pad": "0.2",
        },
        node_attr={"fontname": style.FONT, "fontsize": "11", "margin": "0.12,0.05", "penwidth": "1.2"},
        edge_attr={"fontname": style.FONT, "fontsize": "9", "arrowsize": "0.7"},
    )
    label = _legend(view, title, legend)
    if label:
        dot.attr(label=label)

    clusters = _clusters(view) if cluster_contexts else {}
    members: dict[str, list[Vertex]] = {}
    for v in view.vertices:
        ctx = clusters.get(v.arn)
        if ctx is not None:
            members.setdefault(ctx, []).append(v)
    for ctx_arn, vs in members.items():
        ctx = graph.vertex(ctx_arn)
        with dot.subgraph(name=f"cluster_{view.ids[ctx_arn]}") as sub:
            sub.attr(
                label="<" + _h(shorten(style.display_name(ctx), 60)) + ">",
                style="rounded,dashed",
                color=style.KINDS["Context"].border,
                fontcolor=style.INK,
                bgcolor="#fff8ee",
                tooltip=_tip([f"context {style.display_name(ctx)}", visible(ctx.arn)]),
            )
            for v in vs:
                _node(sub, view, v)
    for v in view.vertices:
        if v.arn not in clusters:
            _node(dot, view, v)

    for e in view.edges:
        es = style.edge_style(e.type)
        attrs = {"color": es.color, "fontcolor": es.color}
        if es.style != "solid":
            attrs["style"] = es.style
        src, dst = graph.vertex(e.source), graph.vertex(e.destination)
        if e.type:
            attrs["label"] = _plain([shorten(visible(e.type), 30)])
        attrs["tooltip"] = _tip(
            [f"{style.display_name(src)} → {visible(e.type) or 'linked'} → {style.display_name(dst)}"]
        )
        dot.edge(view.ids[e.source], view.ids[e.destination], **attrs)

    for m in view.more:
        _more(dot, view, m)
    return dot


def _node(dot: graphviz.Digraph, view: View, v: Vertex) -> None:
    kind = style.kind_of(v)
    attrs = {
        "label": _vertex_label(v, kind),
        "shape": kind.shape,
        "style": kind.style,
        "fillcolor": kind.fill,
        "fontcolor": kind.font,
        "color": kind.border,
        "tooltip": _tip(style.tooltip_lines(v)),
        "class": f"lineage-{kind.css}",
    }
    if v.arn == view.start:
        attrs.update(penwidth="3", color=style.INK, peripheries="2")
        attrs["class"] += " lineage-start"
    dot.node(view.ids[v.arn], **attrs)


def _more(dot: graphviz.Digraph, view: View, m: More) -> None:
    anchor = view.graph.vertex(m.anchor)
    where = "upstream of" if m.upstream else "downstream of"
    dot.node(
        m.id,
        label=f"+{m.count} more",
        shape="box",
        style="rounded,dashed",
        color="#8d99a8",
        fontcolor=style.MUTED,
        fontsize="10",
        tooltip=_tip(
            [
                f"{m.count} more vertices {where} {style.display_name(anchor)}",
                "raise max_vertices to draw them",
            ]
        ),
        **{"class": "lineage-more"},
    )
    ends = (m.id, view.ids[m.anchor]) if m.upstream else (view.ids[m.anchor], m.id)
    dot.edge(*ends, style="dashed", color="#8d99a8")


def _clusters(view: View) -> dict[str, str]:
    """Vertex ARN -> the ARN of the context it is drawn inside (first context wins)."""
    contexts = [v.arn for v in view.vertices if v.lineage_type == "Context"]
    kinds = {v.arn: v.lineage_type for v in view.vertices}
    home: dict[str, str] = {}
    for ctx in contexts:
        for e in view.edges:
            if e.type != "AssociatedWith" or ctx not in (e.source, e.destination):
                continue
            other = e.destination if e.source == ctx else e.source
            if kinds[other] != "Context" and other not in home:
                home.setdefault(ctx, ctx)
                home[other] = ctx
    return home


# -- output ------------------------------------------------------------------------
def _pipe(dot: graphviz.Digraph, fmt: str) -> bytes:
    try:
        return dot.pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:
        raise DotNotFoundError() from exc
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        first = detail[0] if detail else f"exit status {exc.returncode}"
        raise RenderError(f"dot could not render the lineage graph: {first}") from exc


def drawn(dot: graphviz.Digraph, fmt: str, **graph_attr: str) -> bytes:
    """``dot`` drawn as ``fmt`` with these graph attributes set (on a copy: ``dot`` is unchanged), so
    one Digraph gives every direction (``rankdir``) and resolution (``dpi``) without being rebuilt."""
    if graph_attr:
        dot = dot.copy()
        dot.graph_attr.update(graph_attr)
    return _pipe(dot, fmt)


def to_bytes(graph: LineageGraph, fmt: str, *, dpi: int | None = None, **options) -> bytes:
    """The graph drawn by ``dot`` as ``fmt`` (svg, png, pdf); ``dpi`` sets a PNG's resolution."""
    return drawn(to_dot(graph, **options), fmt, **({} if dpi is None else {"dpi": str(int(dpi))}))


def to_svg(graph: LineageGraph, **options) -> str:
    """The graph as SVG text (needs the ``dot`` binary; see ``to_dot`` for options)."""
    return _pipe(to_dot(graph, **options), "svg").decode("utf-8")


def render(
    graph: LineageGraph,
    path: str | os.PathLike,
    format: str | None = "svg",
    *,
    dpi: int | None = None,
    **options,
) -> str:
    """Write the graph to ``path`` as svg, png or pdf; returns the path written.

    With the default ``format="svg"``, a ``.png`` or ``.pdf`` path picks that format;
    ``dpi`` sets the resolution of a PNG (graphviz's default is 96).
    """
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    fmt = (format or suffix or "svg").lower()
    if fmt == "svg" and suffix in DRAWN_FORMATS:
        fmt = suffix
    if fmt not in DRAWN_FORMATS:
        raise ValueError(f"format must be one of {', '.join(DRAWN_FORMATS)}, not {format!r}")
    path.write_bytes(to_bytes(graph, fmt, dpi=dpi, **options))
    return str(path)
