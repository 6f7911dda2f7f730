"""diff(): two lineages compared (two contexts' graphs, or two LineageGraphs).

Vertices match by ``(lineage type, type, source URI for artifacts / name otherwise)``; the two start
vertices (for example two contexts of two runs) always match each other. Edges match by their
endpoints' keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..api import Api
from ..graph import LineageGraph, Vertex
from ..text import escape_html, html_table, visible
from .trace import context_graph

Key = tuple


def vertex_key(v: Vertex) -> Key:
    ident = v.source_uri if v.lineage_type == "Artifact" and v.source_uri else v.name or v.label
    return (v.lineage_type, v.type, ident)


def _keyed(graph: LineageGraph) -> dict[str, Key]:
    keys: dict[str, Key] = {}
    taken: set[Key] = set()
    for v in graph.vertices:
        k = ("<start>",) if v.arn == graph.start else vertex_key(v)
        base, n = k, 1
        while k in taken:
            n += 1
            k = (*base, n)
        taken.add(k)
        keys[v.arn] = k
    return keys


@dataclass
class VertexChange:
    """A vertex in both graphs whose properties differ: ``changes[key] = (in a, in b)`` (None: absent)."""

    a: Vertex
    b: Vertex
    changes: dict[str, tuple[str | None, str | None]]


@dataclass
class GraphDiff:
    """What changed from lineage ``a`` to lineage ``b``."""

    a: LineageGraph
    b: LineageGraph
    added_vertices: list[Vertex] = field(default_factory=list)
    removed_vertices: list[Vertex] = field(default_factory=list)
    changed_vertices: list[VertexChange] = field(default_factory=list)
    added_edges: list[tuple[str, str, str | None]] = field(default_factory=list)
    removed_edges: list[tuple[str, str, str | None]] = field(default_factory=list)
    changed_edges: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(
            map(
                len,
                (
                    self.added_vertices,
                    self.removed_vertices,
                    self.changed_vertices,
                    self.added_edges,
                    self.removed_edges,
                    self.changed_edges,
                ),
            )
        )

    @property
    def same(self) -> bool:
        return len(self) == 0

    def rows(self) -> list[dict[str, Any]]:
        """One dict per difference: change, what, lineage_type, type, name, detail."""
        out: list[dict[str, Any]] = []
        for change, vs in (("added", self.added_vertices), ("removed", self.removed_vertices)):
            for v in vs:
                out.append(
                    {
                        "change": change,
                        "what": "vertex",
                        "lineage_type": v.lineage_type,
                        "type": v.type,
                        "name": v.label,
                        "detail": v.source_uri or "",
                    }
                )
        for c in self.changed_vertices:
            detail = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in sorted(c.changes.items()))
            out.append(
                {
                    "change": "changed",
                    "what": "vertex",
                    "lineage_type": c.b.lineage_type,
                    "type": c.b.type,
                    "name": c.b.label,
                    "detail": detail,
                }
            )
        for change, es in (("added", self.added_edges), ("removed", self.removed_edges)):
            for s, d, t in es:
                out.append(
                    {
                        "change": change,
                        "what": "edge",
                        "lineage_type": None,
                        "type": t,
                        "name": f"{s} -> {d}",
                        "detail": "",
                    }
                )
        for s, d, old, new in self.changed_edges:
            out.append(
                {
                    "change": "changed",
                    "what": "edge",
                    "lineage_type": None,
                    "type": new,
                    "name": f"{s} -> {d}",
                    "detail": f"type {old!r} -> {new!r}",
                }
            )
        return out

    def _title(self) -> str:
        a, b = self.a.name or "a", self.b.name or "b"
        if self.same:
            return f"{a} and {b}: no differences"
        return (
            f"{a} -> {b}: +{len(self.added_vertices)} -{len(self.removed_vertices)} "
            f"~{len(self.changed_vertices)} vertices, +{len(self.added_edges)} -{len(self.removed_edges)} "
            f"~{len(self.changed_edges)} edges"
        )

    def __repr__(self) -> str:
        marks = {"added": "+", "removed": "-", "changed": "~"}
        lines = [f"<GraphDiff {self._title()}>"]
        for r in self.rows()[:100]:
            detail = f"  ({r['detail']})" if r["detail"] else ""
            kind = f"{r['lineage_type']} {r['type']}" if r["what"] == "vertex" else f"edge {r['type'] or ''}"
            lines.append(f"  {marks[r['change']]} {kind}: {r['name']}{detail}")
        if len(self) > 100:
            lines.append(f"  ... {len(self) - 100} more")
        return "\n".join(visible(line) for line in lines)

    def _repr_html_(self) -> str:
        rows = self.rows()
        colour = {"added": "#1a7f37", "removed": "#cf222e", "changed": "#9a6700"}
        table = html_table(
            ["change", "what", "lineage type", "type", "name", "detail"],
            [["" if v is None else v for v in r.values()] for r in rows[:200]],
            caption=f"showing {min(len(rows), 200)} of {len(rows)}",
            row_colours=[colour[r["change"]] for r in rows[:200]],
        )
        return f"<div class='lineage-diff'><p>{escape_html(self._title())}</p>{table}</div>"

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=["change", "what", "lineage_type", "type", "name", "detail"])


def diff_graphs(a: LineageGraph, b: LineageGraph) -> GraphDiff:
    """Compare two graphs (see the module docstring for how vertices match)."""
    ka, kb = _keyed(a), _keyed(b)
    va = {ka[v.arn]: v for v in a.vertices}
    vb = {kb[v.arn]: v for v in b.vertices}
    out = GraphDiff(a, b)
    out.removed_vertices = [v for k, v in va.items() if k not in vb]
    out.added_vertices = [v for k, v in vb.items() if k not in va]
    for k, v in va.items():
        w = vb.get(k)
        if w is None:
            continue
        changes = {
            p: (v.properties.get(p), w.properties.get(p))
            for p in set(v.properties) | set(w.properties)
            if v.properties.get(p) != w.properties.get(p)
        }
        if k == ("<start>",) and v.type != w.type:
            changes["(type)"] = (v.type, w.type)
        if changes:
            out.changed_vertices.append(VertexChange(v, w, changes))

    def label(keys: dict[str, Key], graph: LineageGraph, arn: str) -> str:
        if keys.get(arn) == ("<start>",):
            return graph.vertex(arn).label
        return graph.vertex(arn).label if arn in graph else arn

    def edges(
        graph: LineageGraph, keys: dict[str, Key]
    ) -> dict[tuple[Key, Key], tuple[str, str, str | None]]:
        return {
            (keys[e.source], keys[e.destination]): (
                label(keys, graph, e.source),
                label(keys, graph, e.destination),
                e.type,
            )
            for e in graph.edges
            if e.source in keys and e.destination in keys
        }

    ea, eb = edges(a, ka), edges(b, kb)
    out.removed_edges = [e for k, e in ea.items() if k not in eb]
    out.added_edges = [e for k, e in eb.items() if k not in ea]
    out.changed_edges = [
        (eb[k][0], eb[k][1], e[2], eb[k][2]) for k, e in ea.items() if k in eb and eb[k][2] != e[2]
    ]
    return out


def diff(api: Api, a: Any, b: Any) -> GraphDiff:
    """See :meth:`LineageClient.diff`: refs are contexts (their graphs: the context, its members and
    the links among them, with properties), or LineageGraphs as they are."""
    ga = a if isinstance(a, LineageGraph) else context_graph(api, a)
    gb = b if isinstance(b, LineageGraph) else context_graph(api, b)
    return diff_graphs(ga, gb)


__all__ = ["diff", "diff_graphs", "GraphDiff", "VertexChange", "vertex_key"]
