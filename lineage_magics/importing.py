"""import_graph(): recreate a JSON export (or any LineageGraph) in a backend, idempotently.

What a graph holds is what comes back: each vertex's name, type, source URI and properties, and
each edge with its type. Entities are matched as ``copy`` matches them (contexts, actions and trial
components by name, artifacts by source URI), so importing twice creates nothing the second time.
A context or action exported without a source URI (a trace names them from their ARNs and does not
describe them) gets its original ARN as its source URI: where it came from. Into a local store all
rows go in one transaction; anywhere else through the API.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .copy import CopyReport, write
from .entities import LINEAGE_TYPE, Entity, name_of_arn
from .errors import LineageError
from .graph import LineageGraph

if TYPE_CHECKING:  # pragma: no cover
    from .client import LineageClient

_KINDS = {lt: kind for kind, lt in LINEAGE_TYPE.items() if lt}  # "Context": "context", ...; no experiments


def read_graph(source: Any) -> tuple[LineageGraph, str]:
    """The graph in ``source`` (a LineageGraph, ``to_dict`` data, JSON text or a JSON file's path)
    and a short name for it."""
    from .render.jsonexport import from_dict, from_json

    if isinstance(source, LineageGraph):
        return source, source.name or "graph"
    if isinstance(source, dict):
        return from_dict(source), "graph"
    if isinstance(source, bytes):
        return from_json(source), "JSON"
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return from_json(source), "JSON"
    if isinstance(source, (str, os.PathLike)):
        path = os.path.expanduser(os.fspath(source))
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as exc:
            raise LineageError(f"cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise LineageError(f"{path} is not a JSON export (not UTF-8 text)") from None
        try:
            return from_json(text), path
        except LineageError as exc:
            raise LineageError(f"{path}: {exc}") from None
    raise LineageError(f"cannot import a {type(source).__name__}: give a LineageGraph, JSON or a file path")


def entities_of(graph: LineageGraph) -> tuple[list[Entity], list[tuple[str, str, str | None]], list[str]]:
    """The graph's vertices as entities to create, its edges, and one line per vertex skipped."""
    entities, skipped = [], []
    for v in graph.vertices:
        kind = _KINDS.get(v.lineage_type or "")
        if kind is None:
            skipped.append(f"{v.arn}: lineage type {v.lineage_type!r} is not imported")
            continue
        name = v.name or (None if kind == "artifact" else name_of_arn(v.arn))
        source_uri = v.source_uri or (None if kind == "trial-component" else v.arn)
        entities.append(
            Entity(
                kind, v.arn, name, v.type or v.lineage_type, source_uri, properties=dict(v.properties or {})
            )
        )
    edges = [(e.source, e.destination, e.type) for e in graph.edges]
    return entities, edges, skipped


def import_graph(client: LineageClient, source: Any, *, bulk: bool | None = None) -> CopyReport:
    """See :meth:`LineageClient.import_graph`."""
    graph, label = read_graph(source)
    entities, edges, skipped = entities_of(graph)
    report = write(client, entities, edges, source=label, bulk=bulk)
    report.errors = skipped + report.errors
    return report
