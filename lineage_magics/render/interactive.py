"""The interactive graph's picture and data: the part of a LineageGraph a person has opened (the
vertices nearest the start, those expanded by hand, minus the lineage and association types hidden),
drawn by ``dot`` as the static renderings are, and the facts the widget shows for each node, keyed by
the node ids ``dot`` writes in each node's ``<title>`` (``n<trace index>``, ``m<k>`` for "+K more")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..graph import Edge, LineageGraph, Vertex
from ..text import visible
from . import style
from .formats import export
from .graphviz import to_svg
from .view import View, check_max_vertices, select


@dataclass
class Opened:
    """What is open of ``graph``: the vertices a cap of ``max_vertices`` keeps, plus ``expanded``
    (anchor ARN, upstream) -> the ARNs that expansion showed; ``hidden_lineage_types`` and
    ``hidden_association_types`` leave vertices and edges of those types out."""

    graph: LineageGraph
    max_vertices: int | None = None
    expanded: dict[tuple[str, bool], list[str]] = field(default_factory=dict)
    hidden_lineage_types: frozenset[str] = frozenset()
    hidden_association_types: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.max_vertices = check_max_vertices(self.max_vertices)

    # -- what is open -------------------------------------------------------------------------------
    def _visible(self) -> tuple[list[Vertex], list[Edge]]:
        """The graph's vertices and edges left when the hidden types are left out (trace order)."""
        vertices = [v for v in self.graph.vertices if _type_key(v) not in self.hidden_lineage_types]
        arns = {v.arn for v in vertices}
        edges = [
            e
            for e in self.graph.edges
            if e.source in arns
            and e.destination in arns
            and _edge_key(e) not in self.hidden_association_types
        ]
        return vertices, edges

    def kept(self) -> set[str]:
        """ARNs drawn: the cap's nearest vertices (of what is visible) and every expansion's."""
        return self._kept(*self._visible())

    def _kept(self, vertices: list[Vertex], edges: list[Edge]) -> set[str]:
        base = LineageGraph.of_unique(vertices, edges, self.graph.start)
        kept = {v.arn for v in select(base, self.max_vertices).vertices}
        visible_arns = {v.arn for v in vertices}
        for arns in self.expanded.values():
            kept.update(a for a in arns if a in visible_arns)
        return kept

    def part(self) -> LineageGraph:
        """The open part as a graph the renderers draw as it is: every kept vertex (details fetched,
        in one batch, for those alone) and, as detail-less stand-ins, the rest, so that the renderers'
        cap (``len(kept)``, nearest first) keeps exactly the open vertices and counts the rest into
        "+K more" boxes. Vertex order and so node ids follow the trace."""
        vertices, edges = self._visible()
        kept = self._kept(vertices, edges)
        self.graph.hydrate([v for v in vertices if v.arn in kept])
        part = [
            Vertex(v.arn, v.lineage_type, v.type, v.name, v.source_uri, dict(v.properties or {}), 0)
            if v.arn in kept
            else Vertex(v.arn, v.lineage_type, v.type, depth=1)
            for v in vertices
        ]
        hidden = len(self.graph.vertices) - len(vertices)
        total = max(len(self.graph.vertices), self.graph.total_vertices or 0) - hidden
        return LineageGraph.of_unique(
            part,
            edges,
            self.graph.start,
            truncated=self.graph.truncated,
            total_vertices=total,
            direction=self.graph.direction,
            depth=self.graph.depth,
            name=self.graph.name,
        )

    def shown(self) -> LineageGraph:
        """Only the open vertices and the edges among them (for Mermaid, JSON and tables)."""
        vertices, edges = self._visible()
        kept = self._kept(vertices, edges)
        self.graph.hydrate([v for v in vertices if v.arn in kept])
        return LineageGraph.of_unique(
            [v for v in vertices if v.arn in kept],
            [e for e in edges if e.source in kept and e.destination in kept],
            self.graph.start,
            direction=self.graph.direction,
            depth=self.graph.depth,
            name=self.graph.name,
        )

    # -- changing it -----------------------------------------------------------------------------------
    def expand(self, anchor: str, upstream: bool) -> list[str]:
        """Open the hidden neighbours of ``anchor`` on one side (one hop: the vertices its "+K more"
        box is reached through); returns their ARNs. Only their details are fetched, when drawn."""
        vertices, edges = self._visible()
        kept = self._kept(vertices, edges)
        arns = {v.arn for v in vertices}
        if upstream:
            near = [e.source for e in edges if e.destination == anchor]
        else:
            near = [e.destination for e in edges if e.source == anchor]
        new = [a for a in dict.fromkeys(near) if a in arns and a not in kept]
        if new:
            self.expanded.setdefault((anchor, upstream), []).extend(new)
        return new

    def collapse(self, anchor: str) -> list[str]:
        """Close what expanding ``anchor`` (either side) opened, and what was opened from those."""
        closed: list[str] = []
        todo = [anchor]
        while todo:
            a = todo.pop()
            for up in (False, True):
                arns = self.expanded.pop((a, up), [])
                closed.extend(arns)
                todo.extend(arns)
        return closed

    def collapsible(self) -> set[str]:
        return {a for (a, _), arns in self.expanded.items() if arns}


def _type_key(v: Vertex) -> str:
    return v.lineage_type if v.lineage_type in style.KINDS else "Other"


def _edge_key(e: Edge) -> str:
    return e.type or "(none)"


# -- the widget's data ---------------------------------------------------------------------------------
def picture(opened: Opened) -> tuple[str, dict[str, Any]]:
    """``(svg, model)``: the open part drawn by ``dot`` (no legend: the widget draws its own, with
    toggles) and, for each node id of the SVG, what the widget shows (text only: the browser code
    puts it into the page as text, never as markup)."""
    part = opened.part()
    view = select(part, max(1, sum(1 for v in part.vertices if v.depth == 0)))
    svg = to_svg(part, max_vertices=max(1, view.shown), legend=False)
    return svg, model(opened, view)


def model(opened: Opened, view: View) -> dict[str, Any]:
    collapsible = opened.collapsible()
    nodes = {}
    for v in view.vertices:
        nodes[view.ids[v.arn]] = {
            **vertex_facts(v),
            "start": v.arn == view.start,
            "collapsible": v.arn in collapsible,
        }
    more = {
        m.id: {"anchor": view.ids[m.anchor], "anchor_arn": m.anchor, "count": m.count, "upstream": m.upstream}
        for m in view.more
    }
    edges = [
        {"source": view.ids[e.source], "target": view.ids[e.destination], "type": visible(e.type) or ""}
        for e in view.edges
    ]
    everything = opened.graph
    lineage_types = []
    for key in style.KIND_ORDER:
        name = style.KINDS[key].name
        if any(_type_key(v) == name for v in everything.vertices) or name in opened.hidden_lineage_types:
            kind = style.KINDS[key]
            lineage_types.append({"name": name, "fill": kind.fill, "font": kind.font,
                                  "hidden": name in opened.hidden_lineage_types})  # fmt: skip
    present = {_edge_key(e) for e in everything.edges} | set(opened.hidden_association_types)
    known = [t for t in style.EDGE_ORDER if t in present]
    association_types = [
        {"name": visible(t), "key": t, "color": style.edge_style(t).color, "dash": style.edge_style(t).style,
         "hidden": t in opened.hidden_association_types}
        for t in known + sorted(present - set(known))
    ]  # fmt: skip
    return {
        "nodes": nodes,
        "more": more,
        "edges": edges,
        "caption": view.caption or f"{view.shown} vertices, {len(view.edges)} edges",
        "start": view.ids.get(view.start or "", ""),
        "lineage_types": lineage_types,
        "association_types": association_types,
    }


def vertex_facts(v: Vertex) -> dict[str, Any]:
    """What the tooltip and the details panel show of a vertex (made visible: no control characters)."""
    return {
        "arn": v.arn,
        "label": visible(v.label),
        "name": visible(v.name) if v.name else "",
        "lineage_type": visible(v.lineage_type) or "",
        "type": visible(v.type) if v.type else "",
        "source_uri": visible(v.source_uri) if v.source_uri else "",
        "properties": [[visible(k), visible(val)] for k, val in (v.properties or {}).items()],
    }


def download(opened: Opened, fmt: str) -> tuple[str, str, bytes]:
    """``(extension, MIME type, bytes)`` of the open part in ``fmt`` (svg, png, mermaid, json): what
    the widget shows, with the legend for the drawn formats."""
    from .formats import FORMATS

    spec = FORMATS[fmt]
    if spec.graphviz:
        part = opened.part()
        shown = max(1, sum(1 for v in part.vertices if v.depth == 0))
        out = export(part, fmt, max_vertices=shown)
    else:
        out = export(opened.shown(), fmt)
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    return spec.extension, spec.mime, data
