"""apply(): make the store match a WorkflowSpec (the ``%%lineage context`` cell), idempotently.

Everything is validated before anything is written; then the context, each declared entity,
the context -> entity ``AssociatedWith`` links and the declared edges are ensured. ``prune``
removes the context's links and the edges between its members that the spec no longer declares
(never entities); ``dry_run`` returns the plan without writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import crud
from .. import sagemaker as sm
from ..api import Api
from ..entities import Entity
from ..errors import LineageError, NotFoundError, WorkflowError
from ..refs import resolve
from ..text import did_you_mean, escape_html, visible
from ..workflow import ENTITY_KINDS, WorkflowSpec
from .trace import artifact_details


@dataclass
class ApplyResult:
    """What ``apply`` did (or, on a dry run, would do). Items are short human labels."""

    context: Entity
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entities: dict[str, str] = field(default_factory=dict)  # declared name -> ARN
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.linked or self.unlinked)

    def _summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        if not self.changed:
            return f"context {self.context.name!r}: up to date ({len(self.unchanged)} unchanged)"
        parts = [
            f"{len(v)} {k}"
            for k, v in (
                ("created", self.created),
                ("updated", self.updated),
                ("linked", self.linked),
                ("unlinked", self.unlinked),
                ("unchanged", self.unchanged),
            )
            if v
        ]
        return f"context {self.context.name!r} {verb}: {', '.join(parts)}"

    def __repr__(self) -> str:
        lines = [f"<ApplyResult {self._summary()}>"]
        lines += [f"  {a}" for a in self.actions]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(visible(line) for line in lines)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{escape_html(a)}</li>" for a in self.actions)
        warns = "".join(f"<li><b>warning</b>: {escape_html(w)}</li>" for w in self.warnings)
        return (
            f"<div class='lineage-apply'><p>{escape_html(self._summary())}</p><ul>{items}{warns}</ul></div>"
        )


def _where(line: int) -> str:
    return f"line {line}: " if line else ""


class _Planned:
    """A declared entity: what exists now and what has to change."""

    def __init__(self, decl, existing: Entity | None):
        self.decl = decl
        self.existing = existing
        self.arn = existing.arn if existing else f"(new {decl.kind} {decl.name})"

    @property
    def kind(self) -> str:
        return self.decl.kind


def _validate(api: Api, spec: WorkflowSpec) -> dict[str, tuple[str, str]]:
    """Check the spec; returns the edge endpoints that name existing entities: name -> (kind, ARN).

    Raises :class:`WorkflowError` listing every problem found (each naming its line), not just the first.
    """
    if not spec.context or not sm.kind("context").name_fits(spec.context):
        raise LineageError(f"invalid context name {spec.context!r}: letters, digits, '-' and '_' (max 120)")
    if not spec.context_type:
        raise LineageError(f"context {spec.context!r} needs a type")
    problems: list[str] = []
    declared: dict[str, Any] = {}
    for d in spec.entities:
        problem = _declaration_problem(d, declared, spec.context)
        if problem:
            problems.append(_where(d.line) + problem)
        declared.setdefault(d.name, d)
    if len(spec.properties) > sm.max_properties():
        problems.append(
            f"context {spec.context!r} has {len(spec.properties)} properties (SageMaker allows {sm.max_properties()})"
        )
    external: dict[str, tuple[str, str]] = {}
    unknown: set[str] = set()
    for e in spec.edges:
        where = _where(e.line)
        if e.type is not None and e.type not in sm.association_types():
            problems.append(
                f"{where}association type {e.type!r}: use one of {', '.join(sm.association_types())}"
            )
        if e.source == e.destination:
            problems.append(f"{where}{e.source!r} cannot be linked to itself")
        for end in (e.source, e.destination):
            if end in declared or end == spec.context or end in external:
                continue
            if end in unknown:
                problems.append(f"{where}{end!r} is neither declared in the cell nor an existing entity")
                continue
            try:
                kind, arn, _ = resolve(api, end)
            except NotFoundError as exc:
                unknown.add(end)
                close = did_you_mean(end, [*declared, spec.context])
                detail = close or f": {exc}"
                problems.append(
                    f"{where}{end!r} is neither declared in the cell nor an existing entity{detail}"
                )
                continue
            except LineageError as exc:
                problems.append(f"{where}{exc}")
                continue
            if kind in ("experiment", "trial"):
                problems.append(f"{where}{end!r} is a {kind}: it cannot be linked")
                continue
            external[end] = (kind, arn)
    if problems:
        raise WorkflowError(problems)
    return external


def _declaration_problem(d, declared: dict[str, Any], context: str) -> str | None:
    """What is wrong with one declared entity, or None."""
    if d.kind not in ENTITY_KINDS:
        return f"unknown kind {d.kind!r}: use {', '.join(ENTITY_KINDS)}"
    if not d.name or not sm.kind(d.kind).name_fits(d.name):
        allowed = "letters, digits, '-' and '_'" if d.kind == "context" else "letters, digits and '-'"
        return f"invalid {d.kind} name {d.name!r}: {allowed} (max 120)"
    if d.name in declared or d.name == context:
        return f"{d.name!r} is declared twice"
    if not d.type:
        return f"{d.kind} {d.name!r} needs a type"
    if d.kind == "artifact" and not d.uri:
        return f"artifact {d.name!r} needs a source URI"
    if d.status is not None:
        if d.kind != "action":
            return f"only actions have a status ({d.kind} {d.name!r})"
        if d.status not in sm.action_statuses():
            return f"status {d.status!r}: use one of {', '.join(sm.action_statuses())}"
    if len(d.properties) > sm.max_properties():
        return f"{d.name!r} has {len(d.properties)} properties (SageMaker allows {sm.max_properties()})"
    return None


def _existing(api: Api, decl) -> Entity | None:
    if decl.kind == "artifact":
        found = crud.find_artifact(api, decl.uri, [])
        return crud.get(api, found.arn) if found else None
    return crud.existing(api, decl.kind, decl.name)


def _changes(decl, current: Entity, props: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The update arguments a declaration needs, and warnings about what cannot change in place."""
    update: dict[str, Any] = {}
    warnings: list[str] = []
    want = {k: str(v) for k, v in props.items()}
    if any(current.properties.get(k) != v for k, v in want.items()):
        update["properties"] = want
    if getattr(decl, "status", None) and current.status != decl.status:
        update["status"] = decl.status
    if decl.kind == "artifact" and decl.name and current.name != decl.name:
        update["name"] = decl.name
    if current.type != decl.type:
        warnings.append(
            f"{decl.kind} {decl.name!r} has type {current.type!r}, not {decl.type!r}: SageMaker cannot change a type"
        )
    uri = getattr(decl, "uri", None)
    if decl.kind != "artifact" and uri and current.source_uri != uri:
        warnings.append(f"{decl.kind} {decl.name!r} has source URI {current.source_uri!r}; it cannot change")
    return update, warnings


def apply(api: Api, spec: WorkflowSpec, *, prune: bool = False, dry_run: bool = False) -> ApplyResult:
    """See :meth:`LineageClient.apply`."""
    external = _validate(api, spec)

    # -- read the current state ------------------------------------------------------------
    ctx = crud.existing(api, "context", spec.context)
    planned = {d.name: _Planned(d, _existing(api, d)) for d in spec.entities}
    result = ApplyResult(
        ctx
        or Entity(
            "context", f"(new context {spec.context})", spec.context, spec.context_type, spec.source_uri
        ),
        dry_run=dry_run,
    )

    def act(line: str) -> None:
        result.actions.append(("would " if dry_run else "") + line)

    def update_or_keep(label: str, current: Entity, update: dict[str, Any]) -> Entity:
        """Record (and unless a dry run, make) the update an existing entity needs; its new state."""
        if not update:
            result.unchanged.append(label)
            return current
        act(f"update {label}: {', '.join(sorted(update))}")
        result.updated.append(label)
        return current if dry_run else crud.update(api, current.arn, **update)

    # -- the context -----------------------------------------------------------------------------
    if ctx is None:
        act(f"create context {spec.context} ({spec.context_type})")
        result.created.append(f"context {spec.context}")
        if not dry_run:
            ctx, _ = crud.ensure(
                api,
                "context",
                name=spec.context,
                type=spec.context_type,
                source_uri=spec.source_uri,
                description=spec.description,
                properties=spec.properties,
            )
            result.context = ctx
    else:
        decl = _ContextDecl(spec)
        update, warnings = _changes(decl, ctx, spec.properties)
        if spec.description is not None and ctx.description != spec.description:
            update["description"] = spec.description
        result.warnings += warnings
        result.context = update_or_keep(f"context {spec.context}", ctx, update)
    ctx_arn = result.context.arn

    # -- declared entities -------------------------------------------------------------------------
    for name, p in planned.items():
        d = p.decl
        if p.existing is None:
            act(f"create {d.kind} {name} ({d.type})")
            result.created.append(f"{d.kind} {name}")
            if not dry_run:
                entity, _ = crud.ensure(
                    api,
                    d.kind,
                    name=name,
                    type=d.type,
                    source_uri=d.uri,
                    status=d.status,
                    properties=d.properties,
                )
                p.existing, p.arn = entity, entity.arn
            continue
        update, warnings = _changes(d, p.existing, d.properties)
        result.warnings += warnings
        p.existing = update_or_keep(f"{d.kind} {name}", p.existing, update)
    result.entities = {name: p.arn for name, p in planned.items()}

    def endpoint(name: str) -> tuple[str, str]:
        if name == spec.context:
            return "context", ctx_arn
        if name in planned:
            return planned[name].kind, planned[name].arn
        return external[name]

    # -- what is linked now ----------------------------------------------------------------------------
    out_cache: dict[str, dict[str, str | None]] = {}

    def outgoing(arn: str) -> dict[str, str | None]:
        if arn.startswith("("):
            return {}
        if arn not in out_cache:
            rows = api.list_all("association", {"SourceArn": arn})
            out_cache[arn] = {r["DestinationArn"]: r.get("AssociationType") for r in rows}
        return out_cache[arn]

    def label(arn: str) -> str:
        for n, p in planned.items():
            if p.arn == arn:
                return n
        if arn == ctx_arn:
            return spec.context
        return sm.name_of_arn(arn) if sm.kind_of_arn(arn) != "artifact" else _artifact_label(api, arn)

    wanted: dict[tuple[str, str], tuple[str | None, int]] = {}
    for p in planned.values():
        wanted[(ctx_arn, p.arn)] = ("AssociatedWith", p.decl.line)
    for e in spec.edges:
        (sk, sa), (dk, da) = endpoint(e.source), endpoint(e.destination)
        wanted[(sa, da)] = (e.type or sm.default_association_type(sk, dk), e.line)
    explicit = {(endpoint(e.source)[1], endpoint(e.destination)[1]) for e in spec.edges if e.type}

    for (src, dst), (atype, _) in wanted.items():
        have = outgoing(src)
        text = f"{label(src)} -> {label(dst)} ({atype})"
        if dst in have:
            if have[dst] == atype:
                result.unchanged.append(text)
            elif (src, dst) in explicit:
                act(f"retype {label(src)} -> {label(dst)} from {have[dst]} to {atype}")
                result.updated.append(text)
                if not dry_run:
                    crud.delete_association(api, src, dst)
                    crud.add_association(api, src, dst, atype)
            else:
                result.unchanged.append(text)
                result.warnings.append(
                    f"{label(src)} -> {label(dst)} exists with type {have[dst]!r} (declare the type to change it)"
                )
            continue
        act(f"link {text}")
        result.linked.append(text)
        if not dry_run:
            crud.add_association(api, src, dst, atype)

    # -- prune -----------------------------------------------------------------------------------------------
    if prune and ctx is not None:
        current_members = set(outgoing(ctx_arn))
        members = current_members | {p.arn for p in planned.values()}
        stale: list[tuple[str, str]] = [
            (ctx_arn, dst) for dst in current_members if (ctx_arn, dst) not in wanted
        ]
        for m in sorted(members):
            for dst in outgoing(m):
                if dst in members and (m, dst) not in wanted:
                    stale.append((m, dst))
        for src, dst in stale:
            text = f"{label(src)} -> {label(dst)}"
            act(f"unlink {text}")
            result.unlinked.append(text)
            if not dry_run:
                crud.delete_association(api, src, dst)
    return result


class _ContextDecl:
    """The context itself, seen as a declaration for ``_changes``."""

    kind = "context"
    status = None

    def __init__(self, spec: WorkflowSpec):
        self.name = spec.context
        self.type = spec.context_type
        self.uri = spec.source_uri
        self.properties = spec.properties


def _artifact_label(api: Api, arn: str) -> str:
    info = artifact_details(api, [arn]).get(arn, {})
    return info.get("name") or info.get("source_uri") or sm.name_of_arn(arn)
