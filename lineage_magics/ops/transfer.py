"""copy() and import_graph(): a graph (or the whole store) from one backend, or from a JSON export,
into another backend, idempotently.

Contexts, actions and trial components are matched by name and artifacts by Source (URI +
source types), so copying twice creates nothing the second time. Into a local store the rows
(trial components too, with their Source) go through ``service.bulk_import`` in one transaction;
anywhere else through the API, with bounded concurrency. Experiments and trials are not lineage vertices and are not copied.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .. import crud
from .. import sagemaker as sm
from ..api import Api
from ..entities import Entity, entity_from_describe
from ..errors import LineageError, NotFoundError
from ..graph import LineageGraph
from ..text import escape_html, html_table
from .trace import trace

COPIED_KINDS = sm.LINEAGE_KINDS


@dataclass
class CopyReport:
    """Counts per kind: ``created`` (new in the target) and ``existing`` (already there)."""

    source: str
    target: str
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    bulk: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.existing.values())

    @property
    def changed(self) -> bool:
        return any(self.created.values())

    def count(self, bucket: dict[str, int], kind: str, n: int = 1) -> None:
        """Add ``n`` to ``bucket[kind]`` (``bucket`` is ``created`` or ``existing``)."""
        bucket[kind] = bucket.get(kind, 0) + n

    def __repr__(self) -> str:
        kinds = sorted(set(self.created) | set(self.existing))
        parts = [f"{k}: {self.created.get(k, 0)} new, {self.existing.get(k, 0)} existing" for k in kinds]
        errs = f"; {len(self.errors)} errors (first: {self.errors[0]})" if self.errors else ""
        how = " (bulk)" if self.bulk else ""
        return f"<CopyReport {self.source} -> {self.target}{how}: {'; '.join(parts) or 'nothing'}{errs}>"

    def _repr_html_(self) -> str:
        kinds = sorted(set(self.created) | set(self.existing))
        rows = [(k, self.created.get(k, 0), self.existing.get(k, 0)) for k in kinds]
        errors = "".join(f"<li>{escape_html(e)}</li>" for e in self.errors[:50])
        return (
            f"<div class='lineage-copy'><p>{escape_html(self.source)} → {escape_html(self.target)}</p>"
            f"{html_table(['kind', 'created', 'existing'], rows)}<ul>{errors}</ul></div>"
        )


def _name(api: Api) -> str:
    return api.url or repr(api)


def _gather(api: Api, ref: Any, depth: int) -> tuple[list[Entity], list[tuple[str, str, str | None]]]:
    """The entities (described) and associations to copy."""
    if ref is not None:
        graph = trace(api, ref, direction="both", depth=depth)
        arns = [v.arn for v in graph.vertices if sm.kind_of_arn(v.arn) in COPIED_KINDS]
        edges = [(e.source, e.destination, e.type) for e in graph.edges]
    else:
        arns = []
        for kind in COPIED_KINDS:
            arns += [r[sm.kind(kind).arn_member] for r in api.list_all(kind)]
        edges = [
            (r["SourceArn"], r["DestinationArn"], r.get("AssociationType"))
            for r in api.list_all("association")
        ]

    def describe(arn: str) -> Entity | None:
        kind = sm.kind_of_arn(arn)
        try:
            return entity_from_describe(kind, api.describe(kind, arn))
        except NotFoundError:
            return None

    entities = [e for e in api.fan_out(describe, arns) if e is not None]
    return entities, edges


def _row(e: Entity) -> dict:
    """The Create* request (bulk_import row) that recreates ``e``."""
    raw = e.raw
    source = dict(raw.get("Source") or {"SourceUri": e.source_uri or e.name})
    if e.kind == "context":
        row = {"ContextName": e.name, "ContextType": e.type, "Source": source}
    elif e.kind == "action":
        row = {"ActionName": e.name, "ActionType": e.type, "Source": source}
        if e.status:
            row["Status"] = e.status
    else:
        row = {"ArtifactType": e.type, "Source": source}
        if e.name:
            row["ArtifactName"] = e.name
    if e.description is not None and e.kind != "artifact":
        row["Description"] = e.description
    if e.properties:
        row["Properties"] = dict(e.properties)
    if raw.get("MetadataProperties") and e.kind != "context":
        row["MetadataProperties"] = raw["MetadataProperties"]
    if e.created is not None:
        row["CreationTime"] = e.created
    return row


_COMPONENT_MEMBERS = ("DisplayName", "Status", "StartTime", "EndTime", "Parameters", "InputArtifacts",
                      "OutputArtifacts", "MetadataProperties")  # fmt: skip


def _component_row(e: Entity) -> dict:
    """The CreateTrialComponent request that recreates ``e`` (its Source too, for bulk_import)."""
    row: dict[str, Any] = {"TrialComponentName": e.name}
    row.update({key: e.raw[key] for key in _COMPONENT_MEMBERS if e.raw.get(key)})
    return row


def _ensure_trial_component(target: Api, e: Entity) -> tuple[str, bool]:
    try:
        return crud.get(target, e.name, "trial-component").arn, False
    except NotFoundError:
        pass
    arn = target.call("create_trial_component", **_component_row(e))["TrialComponentArn"]
    return arn, True


def copy(api: Api, target: Api, ref: Any = None, depth: int = 10, *, bulk: bool | None = None) -> CopyReport:
    """See :meth:`LineageClient.copy`; ``bulk=False`` goes through the API even into a local store."""
    if target.sagemaker is api.sagemaker:
        raise LineageError("copy needs another backend as its target, not the one it reads")
    entities, edges = _gather(api, ref, depth)
    return write(target, entities, edges, source=_name(api), bulk=bulk)


def write(
    target: Api, entities: list[Entity], edges: list, *, source: str, bulk: bool | None = None
) -> CopyReport:
    """Create ``entities`` and ``edges`` (``(source ARN, destination ARN, type)``, ends named by the
    entities' ARNs) in ``target`` unless they exist: in one transaction into a local store, else
    through the API. ``bulk=True`` insists on the first, ``bulk=False`` on the second."""
    report = CopyReport(source, _name(target))
    service = target.service if bulk is not False else None
    if bulk and service is None:
        raise LineageError("bulk copy needs a local store (memory:// or sqlite:///) as the target")
    if service is not None:
        arn_map = _bulk(target, service, entities, edges, report)
    else:
        arn_map = _through_api(target, entities, report)
        _associations_through_api(target, edges, arn_map, report)
    for arn in arn_map.values():
        target.forget(arn)
    return report


def _bulk(target: Api, service: Any, entities: list[Entity], edges: list, report: CopyReport) -> dict:
    report.bulk = True
    prefix = service.arn_prefix
    arn_map: dict[str, str] = {}
    rows: dict[str, list[dict]] = {"context": [], "action": [], "artifact": [], "trial-component": []}
    for e in entities:
        if e.kind == "trial-component":
            row = _component_row(e)
            if e.raw.get("Source"):
                row["Source"] = e.raw["Source"]
            if e.created is not None:
                row["CreationTime"] = e.created
            rows[e.kind].append(row)
            arn_map[e.arn] = f"{prefix}{sm.kind(e.kind).arn_resource}/{e.name}"
            continue
        row = _row(e)
        rows[e.kind].append(row)
        if e.kind == "artifact":
            arn_map[e.arn] = service.artifact_arn(row["Source"])
        else:
            arn_map[e.arn] = f"{prefix}{sm.kind(e.kind).arn_resource}/{e.name}"
    assocs = []
    for s, d, t in edges:
        if s in arn_map and d in arn_map:
            a = {"SourceArn": arn_map[s], "DestinationArn": arn_map[d]}
            if t:
                a["AssociationType"] = t
            assocs.append(a)
    done = service.bulk_import(
        contexts=rows["context"],
        actions=rows["action"],
        artifacts=rows["artifact"],
        trial_components=rows["trial-component"],
        associations=assocs,
        manual=True,
    )
    for kind, n in (("contexts", len(rows["context"])), ("actions", len(rows["action"])),
                    ("artifacts", len(rows["artifact"])), ("trial-components", len(rows["trial-component"])),
                    ("associations", len(assocs))):  # fmt: skip
        new = int(done.get(kind.replace("-", "_"), 0))
        if n:
            report.count(report.created, kind, new)
            report.count(report.existing, kind, n - new)
    return arn_map


def _through_api(target: Api, entities: list[Entity], report: CopyReport) -> dict:
    def ensure(e: Entity) -> tuple[Entity, str | None, bool, str | None]:
        try:
            if e.kind == "trial-component":
                arn, created = _ensure_trial_component(target, e)
                return e, arn, created, None
            row = _row(e)
            found, created = crud.ensure(
                target,
                e.kind,
                name=e.name,
                type=e.type,
                source_uri=e.source_uri,
                source=row["Source"],
                source_types=e.source_types,
                status=e.status,
                description=e.description,
                properties=e.properties,
            )
            return e, found.arn, created, None
        except LineageError as exc:
            return e, None, False, f"{e.kind} {e.label}: {exc}"

    arn_map: dict[str, str] = {}
    for e, arn, created, error in target.fan_out(ensure, entities):
        if error:
            report.errors.append(error)
            continue
        arn_map[e.arn] = arn
        report.count(report.created if created else report.existing, f"{e.kind}s")
    return arn_map


def _associations_through_api(target: Api, edges: list, arn_map: dict, report: CopyReport) -> None:
    todo = [(arn_map[s], arn_map[d], t) for s, d, t in edges if s in arn_map and d in arn_map]

    def add(edge: tuple[str, str, str | None]) -> tuple[bool | None, str | None]:
        try:
            return crud.add_association(target, edge[0], edge[1], edge[2], exist_ok=True), None
        except LineageError as exc:
            return None, f"association {edge[0]} -> {edge[1]}: {exc}"

    for created, error in target.fan_out(add, todo):
        if error:
            report.errors.append(error)
        else:
            report.count(report.created if created else report.existing, "associations")


# -- import: a JSON export (or any LineageGraph) recreated here ---------------------------------------
# What a graph holds is what comes back: each vertex's name, type, source URI and properties, and each
# edge with its type. A context or action exported without a source URI (a trace names them from their
# ARNs and does not describe them) gets its original ARN as its source URI: where it came from.


def read_graph(source: Any) -> tuple[LineageGraph, str]:
    """The graph in ``source`` (a LineageGraph, ``to_dict`` data, JSON text or a JSON file's path)
    and a short name for it."""
    from ..render.jsonexport import from_dict, from_json

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
        kind = sm.KIND_OF_LINEAGE_TYPE.get(v.lineage_type or "")
        if kind is None:
            skipped.append(f"{v.arn}: lineage type {v.lineage_type!r} is not imported")
            continue
        name = v.name or (None if kind == "artifact" else sm.name_of_arn(v.arn))
        source_uri = v.source_uri or (None if kind == "trial-component" else v.arn)
        entities.append(
            Entity(
                kind, v.arn, name, v.type or v.lineage_type, source_uri, properties=dict(v.properties or {})
            )
        )
    edges = [(e.source, e.destination, e.type) for e in graph.edges]
    return entities, edges, skipped


def import_graph(api: Api, source: Any, *, bulk: bool | None = None) -> CopyReport:
    """See :meth:`LineageClient.import_graph`."""
    graph, label = read_graph(source)
    entities, edges, skipped = entities_of(graph)
    report = write(api, entities, edges, source=label, bulk=bulk)
    report.errors = skipped + report.errors
    return report
