"""The part of a graph a rendering shows: a vertex cap, stable node IDs and "+K more" stand-ins."""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Edge, LineageGraph, Vertex, breadth_first

DEFAULT_MAX_VERTICES = 150


@dataclass(frozen=True)
class More:
    """A stand-in for ``count`` cut vertices reached through the kept vertex ``anchor``."""

    id: str
    anchor: str  # ARN of the kept vertex
    count: int
    upstream: bool  # True: the cut vertices lead into the anchor


@dataclass
class View:
    """What to draw: kept vertices (traversal order) with their IDs, kept edges, stand-ins, counts."""

    graph: LineageGraph
    vertices: list[Vertex]
    ids: dict[str, str]  # ARN -> "n<traversal index>"
    edges: list[Edge]
    more: list[More]
    start: str | None
    total: int

    @property
    def shown(self) -> int:
        return len(self.vertices)

    @property
    def capped(self) -> bool:
        return self.shown < self.total

    @property
    def caption(self) -> str | None:
        """``showing N of M vertices`` when the view or the graph itself is cut, else None."""
        return f"showing {self.shown} of {self.total} vertices" if self.capped else None

    def adjacency(self) -> dict[str, list[tuple[int, Edge]]]:
        """Kept ARN -> (edge index, edge) for every kept edge touching it, in edge order."""
        adj: dict[str, list[tuple[int, Edge]]] = {v.arn: [] for v in self.vertices}
        for i, e in enumerate(self.edges):
            adj[e.source].append((i, e))
            if e.destination != e.source:
                adj[e.destination].append((i, e))
        return adj


def check_max_vertices(max_vertices: int | None) -> int:
    if max_vertices is None:
        return DEFAULT_MAX_VERTICES
    if isinstance(max_vertices, bool) or not isinstance(max_vertices, int) or max_vertices < 1:
        raise ValueError(f"max_vertices must be a positive integer, not {max_vertices!r}")
    return max_vertices


def select(graph: LineageGraph, max_vertices: int | None = None) -> View:
    """Keep the ``max_vertices`` vertices nearest the start (by depth, then traversal order).

    Vertices without a depth are placed by their hop distance from the start. Cut vertices
    are counted into "+K more" stand-ins on the kept vertex they are reached through.
    """
    limit = check_max_vertices(max_vertices)
    vertices = graph.vertices
    index = {v.arn: i for i, v in enumerate(vertices)}
    edges = [e for e in graph.edges if e.source in index and e.destination in index]
    total = max(len(vertices), graph.total_vertices or 0)
    start = graph.start if graph.start in index else (vertices[0].arn if vertices else None)

    out: dict[str, list[str]] = {v.arn: [] for v in vertices}
    inc: dict[str, list[str]] = {v.arn: [] for v in vertices}
    for e in edges:
        out[e.source].append(e.destination)
        inc[e.destination].append(e.source)

    if len(vertices) <= limit:
        kept = set(index)
    else:
        hops = _hops(start, out, inc)
        far = len(vertices) + 1

        def key(v: Vertex) -> tuple[int, int, int]:
            if v.arn == start:
                return (0, -1, -1)
            depth = v.depth if v.depth is not None else hops.get(v.arn, far)
            return (1, depth, index[v.arn])

        kept = {v.arn for v in sorted(vertices, key=key)[:limit]}

    shown = [v for v in vertices if v.arn in kept]
    graph.hydrate(shown)  # the details of what is drawn, in one batch (a trace fetches them lazily)
    ids = {v.arn: f"n{index[v.arn]}" for v in shown}
    kept_edges = [e for e in edges if e.source in kept and e.destination in kept]
    more = _stand_ins(shown, kept, out, inc) if len(kept) < len(vertices) else []
    return View(graph, shown, ids, kept_edges, more, start, total)


def _hops(start: str | None, out: dict[str, list[str]], inc: dict[str, list[str]]) -> dict[str, int]:
    if start is None:
        return {}
    reached = breadth_first([(start, None)], lambda arn, _: ((nxt, None) for nxt in (*out[arn], *inc[arn])))
    return {arn: hops for arn, (hops, _) in reached.items()}


def _stand_ins(
    shown: list[Vertex], kept: set[str], out: dict[str, list[str]], inc: dict[str, list[str]]
) -> list[More]:
    """Spread the cut vertices over the kept vertices they are first reached from."""
    seeds = [
        (arn, (v.arn, upstream))
        for v in shown
        for upstream, neighbours in ((False, out[v.arn]), (True, inc[v.arn]))
        for arn in neighbours
        if arn not in kept
    ]
    reached = breadth_first(
        seeds, lambda arn, owner: ((nxt, owner) for nxt in (*out[arn], *inc[arn]) if nxt not in kept)
    )
    owner = {arn: via for arn, (_, via) in reached.items()}
    counts: dict[tuple[str, bool], int] = {}
    for key in owner.values():
        counts[key] = counts.get(key, 0) + 1
    order = {v.arn: i for i, v in enumerate(shown)}
    ordered = sorted(counts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    return [More(f"m{i}", anchor, n, up) for i, ((anchor, up), n) in enumerate(ordered)]
