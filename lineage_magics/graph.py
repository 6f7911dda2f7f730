"""LineageGraph: the vertices and edges a trace returns, and its renderings."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from .sagemaker import LINEAGE_TYPES, lineage_type_of, name_of_arn

__all__ = [
    "Edge",
    "LazyVertex",
    "LineageGraph",
    "Vertex",
    "LINEAGE_TYPES",
    "breadth_first",
    "hydrate",
    "lineage_type_of",
    "set_details",
]

N = TypeVar("N", bound=Hashable)


def breadth_first(
    starts: Iterable[tuple[N, Any]], neighbours: Callable[[N, Any], Iterable[tuple[N, Any]]]
) -> dict[N, tuple[int, Any]]:
    """Every node reached breadth-first, in the order reached: ``{node: (hops, via)}``.

    ``starts`` yields ``(node, via)`` (hops 0); ``neighbours(node, via)`` yields ``(next, via)``. ``via``
    is whatever the caller keeps of how a node was first reached: its parent, an edge, an owner."""
    reached: dict[N, tuple[int, Any]] = {}
    queue: deque[N] = deque()
    for node, via in starts:
        if node not in reached:
            reached[node] = (0, via)
            queue.append(node)
    while queue:
        node = queue.popleft()
        hops, via = reached[node]
        for nxt, nxt_via in neighbours(node, via):
            if nxt not in reached:
                reached[nxt] = (hops + 1, nxt_via)
                queue.append(nxt)
    return reached


@dataclass
class Vertex:
    """One lineage entity in a graph."""

    arn: str
    lineage_type: str | None
    type: str | None = None
    name: str | None = None
    source_uri: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    depth: int | None = None

    @property
    def label(self) -> str:
        """A short human label: the name, else the URI's tail, else the ARN's tail."""
        if self.name:
            return self.name
        if self.source_uri:
            tail = self.source_uri.rstrip("/").rsplit("/", 1)[-1]
            return tail or self.source_uri
        return name_of_arn(self.arn)


_DETAILS = ("name", "source_uri", "properties")
_UNKNOWN = object()


class _Detail:
    """A data descriptor for one of a LazyVertex's details: fetched (for that vertex alone) on first
    read unless a batch fetched it before."""

    def __init__(self, member: str):
        self.member = member

    def __get__(self, vertex, owner=None):
        if vertex is None:
            return None
        found = vertex.__dict__
        if self.member not in found:
            hydrate([vertex], properties=self.member == "properties")
        return found[self.member]

    def __set__(self, vertex, value) -> None:
        vertex.__dict__[self.member] = value


class LazyVertex(Vertex):
    """A Vertex whose name, source URI and properties are fetched when first read (a trace over the
    SageMaker API describes only the artifacts that are shown, listed or exported: issue 15).

    It reads, compares, copies and pickles as a Vertex; ``hydrate(vertices)`` fetches the details of
    many at once (renderers call it for what they show), ``hydrate(vertices, properties=False)`` the
    name and source URI only (which listings can give in bulk; the properties then stay to fetch)."""

    name = _Detail("name")
    source_uri = _Detail("source_uri")
    properties = _Detail("properties")

    def __init__(
        self, arn, lineage_type, type=None, depth=None, fetch=None, name=_UNKNOWN, source_uri=_UNKNOWN
    ):  # noqa: A002
        """``fetch(vertices, properties)`` fills in the details (``set_details``): every one, or with
        ``properties`` false at least the name and source URI; ``name`` and ``source_uri`` may be
        given when already known."""
        found = self.__dict__
        found["arn"] = arn
        found["lineage_type"] = lineage_type
        found["type"] = type
        found["depth"] = depth
        found["fetch"] = fetch
        if name is not _UNKNOWN:
            found["name"] = name
        if source_uri is not _UNKNOWN:
            found["source_uri"] = source_uri

    @property
    def pending(self) -> bool:
        """Whether some details (at least the properties) are still to be fetched."""
        return "fetch" in self.__dict__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vertex):
            return NotImplemented
        return _fields(self) == _fields(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return (Vertex, _fields(self))

    def __repr__(self) -> str:
        return "Lazy" + Vertex.__repr__(self)


def _fields(v: Vertex) -> tuple:
    return (v.arn, v.lineage_type, v.type, v.name, v.source_uri, v.properties, v.depth)


def hydrate(vertices: Iterable[Vertex], properties: bool = True) -> None:
    """Fetch the details of every pending LazyVertex among ``vertices``, in one batch per source;
    with ``properties`` false only of those whose name or source URI is unknown, and perhaps only
    those two (what a table or a named export shows, which listings can give in bulk).

    Each source's ``fetch(vertices, properties)`` fills in ``name``, ``source_uri`` and (with
    ``properties``, and whenever it has them) ``properties`` of each vertex it is given
    (``set_details``)."""
    batches: dict[int, tuple[Callable, list[LazyVertex]]] = {}
    for v in vertices:
        found = v.__dict__ if isinstance(v, LazyVertex) else {}
        fetch = found.get("fetch")
        if fetch is None or (not properties and "name" in found and "source_uri" in found):
            continue
        batches.setdefault(id(fetch), (fetch, []))[1].append(v)
    for fetch, batch in batches.values():
        fetch(batch, properties)


def set_details(vertex: Vertex, *, complete: bool = True, **details: Any) -> None:
    """Fill in a vertex's details (``name``, ``source_uri``, ``properties``). With ``complete`` a
    LazyVertex stops being pending (what its fetch left unset reads None, or ``{}`` for properties);
    without, it stays pending until all three are known (a name from a listing, properties to come)."""
    found = vertex.__dict__
    found.update(details)
    if complete or all(member in found for member in _DETAILS):
        if found.pop("fetch", None) is not None:
            for member in _DETAILS:
                found.setdefault(member, {} if member == "properties" else None)


class Edge(NamedTuple):
    """One association: ``source`` -> ``destination`` (ARNs), with its type or None. (A named tuple:
    a trace of the whole store makes hundreds of thousands, from the store's own tuples.)"""

    source: str
    destination: str
    type: str | None = None


class LineageGraph:
    """Vertices (in traversal order) and edges of a lineage trace.

    ``start`` is the ARN the trace started from; ``truncated`` is true when the
    graph does not hold every vertex the query reached (``total_vertices`` then
    says how many there were, when known).
    """

    def __init__(
        self,
        vertices: list[Vertex] | None = None,
        edges: list[Edge] | None = None,
        start: str | None = None,
        *,
        truncated: bool = False,
        total_vertices: int | None = None,
        direction: str | None = None,
        depth: int | None = None,
        name: str | None = None,
    ) -> None:
        self.vertices: list[Vertex] = []
        self._index: dict[str, Vertex] | None = {}  # None: to build from vertices when needed
        self.edges: list[Edge] = []
        self._edge_keys: set[tuple[str, str]] | None = set()  # None: to build from edges when needed
        self.start = start
        self.truncated = truncated
        self.total_vertices = total_vertices
        self.direction = direction
        self.depth = depth
        self.name = name
        for v in vertices or ():
            self.add_vertex(v)
        for e in edges or ():
            self.add_edge(e)

    @classmethod
    def of_unique(
        cls, vertices: list[Vertex], edges: list[Edge], start: str | None = None, **options: Any
    ) -> LineageGraph:
        """A graph of vertices with distinct ARNs and edges with distinct (source, destination)
        pairs, taken as they are (the lists are kept, not copied): the same graph as the
        constructor's, built without checking each one (large traces). Its ARN index is built
        when first needed (a trace of the whole store shown or exported may never need it)."""
        graph = cls(start=start, **options)
        graph.vertices = vertices
        graph._index = None
        graph.edges = edges
        graph._edge_keys = None
        return graph

    def _by_arn(self) -> dict[str, Vertex]:
        """The vertices by ARN (built from ``vertices`` the first time, for a graph made by
        ``of_unique``)."""
        if self._index is None:
            self._index = {v.arn: v for v in self.vertices}
        return self._index

    def hydrate(self, vertices: Iterable[Vertex] | None = None, *, properties: bool = True) -> LineageGraph:
        """Fetch the details (names, source URIs, properties) a trace left to fetch, of ``vertices``
        (default: all) in one batch; returns the graph. Renderers call it for what they show;
        ``properties=False`` for what shows names but no properties (a table, a named export): the
        API path then reads ListArtifacts pages where they are cheaper than a describe each."""
        hydrate(self.vertices if vertices is None else vertices, properties)
        return self

    # -- building -------------------------------------------------------
    def add_vertex(self, vertex: Vertex) -> Vertex:
        """Add a vertex (or return the one already there with that ARN)."""
        index = self._by_arn()
        found = index.get(vertex.arn)
        if found is not None:
            return found
        self.vertices.append(vertex)
        index[vertex.arn] = vertex
        return vertex

    def add_edge(self, edge: Edge) -> None:
        """Add an edge once per ordered (source, destination) pair."""
        key = (edge.source, edge.destination)
        if self._edge_keys is None:
            self._edge_keys = {(e.source, e.destination) for e in self.edges}
        if key not in self._edge_keys:
            self._edge_keys.add(key)
            self.edges.append(edge)

    # -- reading --------------------------------------------------------
    def vertex(self, arn: str) -> Vertex:
        """The vertex with this ARN (KeyError when absent)."""
        return self._by_arn()[arn]

    def __contains__(self, arn: object) -> bool:
        return arn in self._by_arn()

    def __len__(self) -> int:
        return len(self.vertices)

    def __iter__(self):
        return iter(self.vertices)

    def neighbours(self, arn: str) -> list[str]:
        """ARNs linked to ``arn`` by an edge in either direction."""
        out = []
        for e in self.edges:
            if e.source == arn:
                out.append(e.destination)
            elif e.destination == arn:
                out.append(e.source)
        return out

    def __repr__(self) -> str:
        index = self._by_arn()
        start = index[self.start].label if self.start in index else self.start
        more = f", truncated ({self.total_vertices} in all)" if self.truncated else ""
        return f"<LineageGraph start={start!r}: {len(self.vertices)} vertices, {len(self.edges)} edges{more}>"

    # -- renderings (implemented in lineage_magics.render) -----------------
    def to_dot(self, **options: Any):
        """A ``graphviz.Digraph`` of this graph (docs/architecture.md, "Rendering")."""
        from .render.graphviz import to_dot

        return to_dot(self, **options)

    def render(self, path: str, format: str = "svg", **options: Any) -> str:
        """Render to a file with the ``dot`` binary; returns the path written."""
        from .render.graphviz import render

        return render(self, path, format=format, **options)

    def to_svg(self, **options: Any) -> str:
        """SVG text of the graph (needs the ``dot`` binary)."""
        from .render.graphviz import to_svg

        return to_svg(self, **options)

    def to_mermaid(self, **options: Any) -> str:
        from .render.mermaid import to_mermaid

        return to_mermaid(self, **options)

    def to_text(self, **options: Any) -> str:
        from .render.text import to_text

        return to_text(self, **options)

    def to_json(self, **options: Any) -> str:
        from .render.jsonexport import to_json

        return to_json(self, **options)

    def to_openlineage(self, **options: Any) -> list[dict]:
        from .render.openlineage import to_openlineage

        return to_openlineage(self, **options)

    def to_dataframe(self):
        from .render.table import to_dataframe

        return to_dataframe(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .render.mimebundle import mimebundle

        return mimebundle(self, include=include, exclude=exclude)
