"""copy(): a graph (or the whole store) from one backend to another, idempotently.

Contexts, actions and trial components are matched by name and artifacts by Source (URI +
source types), so copying twice creates nothing the second time. Into a local store the rows
(trial components too, with their Source) go through ``service.bulk_import`` in one transaction;
anywhere else through the API, with bounded concurrency. Experiments and trials are not lineage vertices and are not copied.
"""

from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .entities import Entity, entity_from_describe, kind_of_arn
from .errors import LineageError, NotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from .client import LineageClient

COPIED_KINDS = ("context", "action", "artifact", "trial-component")


def local_service_of(sagemaker: Any):
    """The embedded service behind a client made by ``connect`` for a local URL, else None."""
    try:
        from .connect import local_service
    except ImportError:  # pragma: no cover - connect is part of the package
        return None
    return local_service(sagemaker)


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

    def _count(self, bucket: dict[str, int], kind: str, n: int = 1) -> None:
        bucket[kind] = bucket.get(kind, 0) + n

    def __repr__(self) -> str:
        kinds = sorted(set(self.created) | set(self.existing))
        parts = [f"{k}: {self.created.get(k, 0)} new, {self.existing.get(k, 0)} existing" for k in kinds]
        errs = f"; {len(self.errors)} errors (first: {self.errors[0]})" if self.errors else ""
        how = " (bulk)" if self.bulk else ""
        return f"<CopyReport {self.source} -> {self.target}{how}: {'; '.join(parts) or 'nothing'}{errs}>"

    def _repr_html_(self) -> str:
        esc = html.escape
        kinds = sorted(set(self.created) | set(self.existing))
        rows = "".join(
            f"<tr><td>{esc(k)}</td><td>{self.created.get(k, 0)}</td><td>{self.existing.get(k, 0)}</td></tr>"
            for k in kinds
        )
        errors = "".join(f"<li>{esc(e)}</li>" for e in self.errors[:50])
        return (
            f"<div class='lineage-copy'><p>{esc(self.source)} → {esc(self.target)}</p>"
            f"<table><thead><tr><th>kind</th><th>created</th><th>existing</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><ul>{errors}</ul></div>"
        )


def _name(client: Any) -> str:
    return getattr(client, "url", None) or repr(client)


def _fan_out(client: LineageClient, func, items: list) -> list:
    if len(items) > 1 and client.max_workers > 1:
        with ThreadPoolExecutor(max_workers=client.max_workers) as pool:
            return list(pool.map(func, items))
    return [func(i) for i in items]


def _gather(
    client: LineageClient, ref: Any, depth: int
) -> tuple[list[Entity], list[tuple[str, str, str | None]]]:
    """The entities (described) and associations to copy."""
    if ref is not None:
        graph = client.trace(ref, direction="both", depth=depth)
        arns = [v.arn for v in graph.vertices if kind_of_arn(v.arn) in COPIED_KINDS]
        edges = [(e.source, e.destination, e.type) for e in graph.edges]
    else:
        arns = []
        for kind in COPIED_KINDS:
            key = {"context": "ContextArn", "action": "ActionArn", "artifact": "ArtifactArn"}.get(
                kind, "TrialComponentArn"
            )
            arns += [r[key] for r in client._list_raw(kind, {})]
        edges = [
            (r["SourceArn"], r["DestinationArn"], r.get("AssociationType"))
            for r in client._list_raw("association", {})
        ]

    def describe(arn: str) -> Entity | None:
        kind = kind_of_arn(arn)
        try:
            return entity_from_describe(kind, client._describe(kind, arn))
        except NotFoundError:
            return None

    entities = [e for e in _fan_out(client, describe, arns) if e is not None]
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


def _ensure_trial_component(target: LineageClient, e: Entity) -> tuple[str, bool]:
    try:
        return target.get(e.name, "trial-component").arn, False
    except NotFoundError:
        pass
    arn = target._call("create_trial_component", **_component_row(e))["TrialComponentArn"]
    return arn, True


def copy(
    client: LineageClient, to: Any, ref: Any = None, depth: int = 10, *, bulk: bool | None = None
) -> CopyReport:
    """See :meth:`LineageClient.copy`; ``bulk=False`` goes through the API even into a local store."""
    from .client import LineageClient

    target = (
        to
        if isinstance(to, LineageClient)
        else LineageClient(to, progress=client.progress, max_workers=client.max_workers)
    )
    if target.sagemaker is client.sagemaker:
        raise LineageError("copy needs another backend as its target, not the one it reads")
    entities, edges = _gather(client, ref, depth)
    return write(target, entities, edges, source=_name(client), bulk=bulk)


def write(
    target: LineageClient, entities: list[Entity], edges: list, *, source: str, bulk: bool | None = None
) -> CopyReport:
    """Create ``entities`` and ``edges`` (``(source ARN, destination ARN, type)``, ends named by the
    entities' ARNs) in ``target`` unless they exist: in one transaction into a local store, else
    through the API. ``bulk=True`` insists on the first, ``bulk=False`` on the second."""
    report = CopyReport(source, _name(target))
    service = local_service_of(target.sagemaker) if bulk is not False else None
    if bulk and service is None:
        raise LineageError("bulk copy needs a local store (memory:// or sqlite:///) as the target")
    if service is not None:
        arn_map = _bulk(target, service, entities, edges, report)
    else:
        arn_map = _through_api(target, entities, report)
        _associations_through_api(target, edges, arn_map, report)
    for arn in arn_map.values():
        target.refs.invalidate(arn)
    return report


def _bulk(
    target: LineageClient, service: Any, entities: list[Entity], edges: list, report: CopyReport
) -> dict:
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
            arn_map[e.arn] = f"{prefix}experiment-trial-component/{e.name}"
            continue
        row = _row(e)
        rows[e.kind].append(row)
        if e.kind == "artifact":
            arn_map[e.arn] = service.artifact_arn(row["Source"])
        else:
            arn_map[e.arn] = f"{prefix}{e.kind}/{e.name}"
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
            report._count(report.created, kind, new)
            report._count(report.existing, kind, n - new)
    return arn_map


def _through_api(target: LineageClient, entities: list[Entity], report: CopyReport) -> dict:
    def ensure(e: Entity) -> tuple[Entity, str | None, bool, str | None]:
        try:
            if e.kind == "trial-component":
                arn, created = _ensure_trial_component(target, e)
                return e, arn, created, None
            row = _row(e)
            found, created = target._ensure(
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
    for e, arn, created, error in _fan_out(target, ensure, entities):
        if error:
            report.errors.append(error)
            continue
        arn_map[e.arn] = arn
        report._count(report.created if created else report.existing, f"{e.kind}s")
    return arn_map


def _associations_through_api(target: LineageClient, edges: list, arn_map: dict, report: CopyReport) -> None:
    todo = [(arn_map[s], arn_map[d], t) for s, d, t in edges if s in arn_map and d in arn_map]

    def add(edge: tuple[str, str, str | None]) -> tuple[bool | None, str | None]:
        try:
            return target._add_association(edge[0], edge[1], edge[2], exist_ok=True), None
        except LineageError as exc:
            return None, f"association {edge[0]} -> {edge[1]}: {exc}"

    for created, error in _fan_out(target, add, todo):
        if error:
            report.errors.append(error)
        else:
            report._count(report.created if created else report.existing, "associations")
