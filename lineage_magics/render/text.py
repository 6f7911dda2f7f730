"""Plain-text rendering: an indented tree from the start vertex, for terminals and the no-``dot`` case."""

from __future__ import annotations

from ..graph import Edge, LineageGraph, Vertex, breadth_first
from ..text import shorten, visible
from . import style
from .view import More, select


def _line(v: Vertex, start: str | None) -> str:
    mark = "  (start)" if v.arn == start else ""
    return f"{style.display_name(v)} [{style.type_line(v)}]{mark}"


def _via(e: Edge, outgoing: bool) -> str:
    t = f"[{shorten(visible(e.type), 40)}]" if e.type else ""
    return f"─{t}→ " if outgoing else f"←{t}─ "


def _more_line(m: More) -> str:
    return f"… +{m.count} more {'upstream' if m.upstream else 'downstream'}"


def _bfs_tree(vertices: list[Vertex], start: str | None, adj: dict) -> dict[str, int | None]:
    """ARN -> index of the edge to its parent in a breadth-first tree (None for each tree's root)."""

    def neighbours(arn: str, _):
        return ((e.destination if e.source == arn else e.source, i) for i, e in adj[arn])

    parent: dict[str, int | None] = {}
    for root in [start] + [v.arn for v in vertices]:  # a tree for each part the start does not reach
        if root is not None and root not in parent:
            parent.update((arn, via) for arn, (_, via) in breadth_first([(root, None)], neighbours).items())
    return parent


def to_text(graph: LineageGraph, max_vertices: int | None = None) -> str:
    """An indented tree from the start vertex; each edge is shown once with its type and direction.

    ``─[Produced]→ X`` means this vertex Produced X; ``←[Produced]─ X`` means X Produced it.
    A vertex reached again is shown by name with "(see above)". Capped like ``to_dot``.
    """
    view = select(graph, max_vertices)
    if not view.vertices:
        extra = f" ({view.total} vertices not loaded)" if view.total else ""
        return f"(empty lineage graph{extra})"
    by_arn = {v.arn: v for v in view.vertices}
    adj = view.adjacency()
    more: dict[str, list[More]] = {}
    for m in view.more:
        more.setdefault(m.anchor, []).append(m)

    head = f"lineage: {view.shown} vertices, {len(view.edges)} edges"
    if view.caption:
        head += f" ({view.caption})"
    lines = [head]
    tree = _bfs_tree(view.vertices, view.start, adj)
    printed: set[str] = set()
    used: set[int] = set()
    roots = [view.start] + [v.arn for v in view.vertices if tree.get(v.arn) is None and v.arn != view.start]
    for root in roots:
        # stack entries: (text before the item, ARN or None for a "+K more" line, prefix for its children)
        stack: list[tuple[str, str | None, str, More | None]] = [("", root, "", None)]
        while stack:
            lead, arn, child_prefix, m = stack.pop()
            if arn is None:
                lines.append(lead + _more_line(m))
                continue
            v = by_arn[arn]
            if arn in printed:
                lines.append(f"{lead}{style.display_name(v)} (see above)")
                continue
            lines.append(lead + _line(v, view.start))
            printed.add(arn)
            children: list[tuple[str, str | None, More | None]] = []
            for i, e in adj[arn]:
                if i in used:
                    continue
                other = e.destination if e.source == arn else e.source
                is_tree_edge = tree.get(other) == i
                if not is_tree_edge and other not in printed:
                    continue  # shown from the other end, where it is printed later
                used.add(i)
                children.append((_via(e, e.source == arn), other, None))
            children += [("", None, m) for m in more.get(arn, [])]
            for k in range(len(children) - 1, -1, -1):
                via, child, cm = children[k]
                last = k == len(children) - 1
                branch = "└─" if last else "├─"
                stack.append(
                    (child_prefix + branch + via, child, child_prefix + ("   " if last else "│  "), cm)
                )
    return "\n".join(lines)
