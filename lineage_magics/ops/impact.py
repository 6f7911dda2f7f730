"""impact(): everything downstream of an entity, grouped by lineage type and type, with the path
that reaches each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..api import Api
from ..graph import LineageGraph, Vertex, breadth_first
from ..text import escape_html, html_table, visible
from .trace import trace


@dataclass
class ImpactItem:
    """A downstream vertex and the shortest path (ARNs, start first) that reaches it."""

    vertex: Vertex
    path: list[str]
    labels: list[str]

    @property
    def depth(self) -> int:
        return len(self.path) - 1


def _group_name(lineage_type: str | None, type_: str | None) -> str:
    word = type_ or lineage_type or "other"
    plural = word if word.endswith("s") else word + "s"
    return plural.lower()


@dataclass
class ImpactReport:
    """Downstream vertices grouped by ``(lineage_type, type)``; ``groups`` keeps that order."""

    start: Vertex
    graph: LineageGraph
    items: list[ImpactItem] = field(default_factory=list)

    @property
    def groups(self) -> dict[tuple[str | None, str | None], list[ImpactItem]]:
        out: dict[tuple[str | None, str | None], list[ImpactItem]] = {}
        for it in sorted(
            self.items, key=lambda i: (i.vertex.lineage_type or "", i.vertex.type or "", i.depth)
        ):
            out.setdefault((it.vertex.lineage_type, it.vertex.type), []).append(it)
        return out

    def by_name(self) -> dict[str, list[ImpactItem]]:
        """Groups keyed by a plain name: ``models``, ``endpoints``, ``datasets``..."""
        out: dict[str, list[ImpactItem]] = {}
        for (lt, t), items in self.groups.items():
            out.setdefault(_group_name(lt, t), []).extend(items)
        return out

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __repr__(self) -> str:
        more = " (truncated)" if self.graph.truncated else ""
        lines = [f"<ImpactReport {self.start.label!r}: {len(self.items)} downstream{more}>"]
        for (lt, t), items in self.groups.items():
            lines.append(f"  {lt or '?'} / {t or '?'} ({len(items)})")
            for it in items[:10]:
                lines.append(f"    {it.vertex.label}  via {' -> '.join(it.labels)}")
            if len(items) > 10:
                lines.append(f"    ... {len(items) - 10} more")
        return "\n".join(visible(line) for line in lines)

    def _repr_html_(self) -> str:
        parts = [
            f"<div class='lineage-impact'><p>{escape_html(self.start.label)}: {len(self.items)} downstream</p>"
        ]
        for (lt, t), items in self.groups.items():
            rows = [(it.vertex.label, it.depth, " → ".join(it.labels)) for it in items[:200]]
            caption = f"showing {min(len(items), 200)} of {len(items)}"
            parts.append(
                f"<h4>{escape_html(lt or '?')} / {escape_html(t or '?')} ({len(items)})</h4>"
                + html_table(["name", "depth", "path"], rows, caption=caption)
            )
        parts.append("</div>")
        return "".join(parts)

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "lineage_type": it.vertex.lineage_type,
                    "type": it.vertex.type,
                    "name": it.vertex.label,
                    "arn": it.vertex.arn,
                    "depth": it.depth,
                    "path": " -> ".join(it.labels),
                }
                for group in self.groups.values()
                for it in group
            ],
            columns=["lineage_type", "type", "name", "arn", "depth", "path"],
        )


def impact_of(graph: LineageGraph) -> ImpactReport:
    """The impact report of a downstream graph (paths found breadth-first from ``graph.start``)."""
    adj: dict[str, list[str]] = {}
    for e in graph.edges:
        adj.setdefault(e.source, []).append(e.destination)
    reached = breadth_first(
        [(graph.start, None)], lambda v, _: ((w, v) for w in adj.get(v, ()) if w in graph)
    )
    parent = {arn: via for arn, (_, via) in reached.items()}
    start = graph.vertex(graph.start) if graph.start in graph else Vertex(graph.start, None)
    report = ImpactReport(start, graph)
    for v in graph.vertices:
        if v.arn == graph.start or v.arn not in parent:
            continue
        path = [v.arn]
        while parent[path[-1]] is not None:
            path.append(parent[path[-1]])
        path.reverse()
        report.items.append(ImpactItem(v, path, [graph.vertex(a).label for a in path]))
    return report


def impact(api: Api, ref: Any, depth: int = 10) -> ImpactReport:
    """See :meth:`LineageClient.impact`."""
    return impact_of(trace(api, ref, direction="down", depth=depth).hydrate())
