"""JSON export of a LineageGraph (every attribute of every vertex and edge), and back."""

from __future__ import annotations

import json
from typing import Any

from ..errors import LineageError
from ..graph import Edge, LineageGraph, Vertex

_VERTEX_KEYS = ("arn", "lineage_type", "type", "name", "source_uri", "properties", "depth")


def to_dict(graph: LineageGraph, properties: bool = True) -> dict[str, Any]:
    """The graph as plain JSON-ready data (no cap: every vertex and edge). ``properties=False``
    leaves the vertices' properties out: every vertex is still named, and a trace over the API then
    names its artifacts from ListArtifacts pages where those are cheaper than a describe each."""
    graph.hydrate(properties=properties)  # every vertex's details, in one batch
    keys = _VERTEX_KEYS if properties else tuple(k for k in _VERTEX_KEYS if k != "properties")
    return {
        "start": graph.start,
        "truncated": graph.truncated,
        "total_vertices": graph.total_vertices,
        "direction": graph.direction,
        "depth": graph.depth,
        "name": graph.name,
        "vertices": [
            {k: (dict(v.properties or {}) if k == "properties" else getattr(v, k)) for k in keys}
            for v in graph.vertices
        ],
        "edges": [{"source": e.source, "destination": e.destination, "type": e.type} for e in graph.edges],
    }


def to_json(graph: LineageGraph, indent: int | None = 2, properties: bool = True) -> str:
    """``{"start", "truncated", "total_vertices", ..., "vertices": [...], "edges": [...]}`` as text
    (``properties``: as in ``to_dict``)."""
    data = to_dict(graph, properties)
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep them as \\ud800 escapes
        text = json.dumps(data, indent=indent, ensure_ascii=True)
    return text


def from_dict(data: Any) -> LineageGraph:
    """A LineageGraph from ``to_dict`` data (LineageError when it is not one)."""
    try:
        if not isinstance(data, dict) or not isinstance(data.get("vertices"), list):
            raise TypeError("expected an object with a 'vertices' list")
        vertices = []
        for item in data["vertices"]:
            unknown = set(item) - set(_VERTEX_KEYS)
            if unknown:
                raise TypeError(f"unknown vertex field {sorted(unknown)[0]!r}")
            fields = {k: item.get(k) for k in _VERTEX_KEYS}
            fields["properties"] = {str(k): str(v) for k, v in (fields["properties"] or {}).items()}
            if not isinstance(fields["arn"], str):
                raise TypeError("a vertex has no 'arn' string")
            vertices.append(Vertex(**fields))
        edges = [Edge(e["source"], e["destination"], e.get("type")) for e in data.get("edges") or []]
        return LineageGraph(
            vertices,
            edges,
            data.get("start"),
            truncated=bool(data.get("truncated", False)),
            total_vertices=data.get("total_vertices"),
            direction=data.get("direction"),
            depth=data.get("depth"),
            name=data.get("name"),
        )
    except (TypeError, KeyError, AttributeError) as exc:
        raise LineageError(f"not a lineage graph: {exc}") from None


def from_json(text: str | bytes) -> LineageGraph:
    """The LineageGraph ``to_json`` wrote (round trip)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LineageError(f"not a lineage graph: invalid JSON ({exc})") from None
    return from_dict(data)
