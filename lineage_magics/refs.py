"""Refs: turn what a user types (ARN, name, artifact URI, entity object) into ``(kind, ARN)``.

Names are looked up with Describe calls (which accept names) for contexts, actions, experiments,
trials and trial components, and with a listing for artifacts (their names are optional and not
unique). The ARN of a resource that is not a lineage entity (a model package, an endpoint, a job)
resolves to the artifact, context, action or trial component whose source is that ARN. Every
resolution is cached in the Api until the entity is deleted or renamed.
"""

from __future__ import annotations

from typing import Any

from . import sagemaker as sm
from .api import Api
from .entities import Entity, entity_from_describe
from .errors import AmbiguousRefError, NotFoundError, ServiceError
from .graph import Vertex
from .text import did_you_mean

# kinds with a Source, in lookup order for the ARN of a resource SageMaker records (model package,
# endpoint, job...): (list filter, source member of the summary)
_BY_SOURCE = {
    "artifact": ("SourceUri", "Source"),
    "context": ("SourceUri", "Source"),
    "action": ("SourceUri", "Source"),
    "trial-component": ("SourceArn", "TrialComponentSource"),
}
# how many names per kind a "did you mean" suggestion looks at
SUGGESTION_SCAN_LIMIT = 500


def looks_like_uri(ref: str) -> bool:
    """True for anything that cannot be an entity name but can be a source URI (``s3://``, paths...)."""
    return not sm.is_arn(ref) and not sm.kind("context").name_fits(ref)


def _candidates(kinds: tuple[str, ...]) -> str:
    names = [k.replace("-", " ") for k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def resolve_arn(api: Api, ref: Any, kind: str | None = None) -> str:
    """The ARN of a ref."""
    return resolve(api, ref, kind)[1]


def resolve(api: Api, ref: Any, kind: str | None = None) -> tuple[str, str, Entity | None]:
    """``(kind, arn, entity or None)``; the entity is returned when a lookup described it anyway."""
    want = sm.normalize_kind(kind) if kind else None
    if isinstance(ref, Entity):
        return ref.kind, ref.arn, None
    if isinstance(ref, Vertex):
        return sm.kind_of_arn(ref.arn) or "artifact", ref.arn, None
    if not isinstance(ref, str) or not ref.strip():
        raise NotFoundError(f"not a ref: {ref!r} (give an ARN, a name, an artifact URI or an entity)")
    ref = ref.strip()
    found = sm.kind_of_arn(ref) if sm.is_arn(ref) else None
    if found is not None:
        if want and found != want:
            raise NotFoundError(f"{ref!r} is the ARN of a {found}, not of a {want}")
        return found, ref, None
    with api.lock:
        hit = api.resolved.get((ref, want))
    if hit is not None:
        return hit[0], hit[1], None
    if sm.is_arn(ref):
        found_kind, arn, entity = _by_source_arn(api, ref, want)
    elif looks_like_uri(ref):
        if want not in (None, "artifact"):
            raise NotFoundError(f"{ref!r} is not a valid {want} name")
        found_kind, arn, entity = _by_uri(api, ref)
    else:
        found_kind, arn, entity = _by_name(api, ref, want)
    with api.lock:
        api.resolved[(ref, want)] = (found_kind, arn)
    return found_kind, arn, entity


def _by_uri(api: Api, uri: str) -> tuple[str, str, Entity | None]:
    rows = [
        r
        for r in api.list_all("artifact", {"SourceUri": uri})
        if (r.get("Source") or {}).get("SourceUri") == uri
    ]
    if len(rows) == 1:
        return "artifact", rows[0]["ArtifactArn"], None
    if len(rows) > 1:
        raise AmbiguousRefError(
            f"{len(rows)} artifacts have source URI {uri!r}: "
            + "; ".join(
                f"artifact {r.get('ArtifactName') or '(no name)'} {r['ArtifactArn']}"
                f" source types {r.get('Source', {}).get('SourceTypes') or []}"
                for r in rows
            )
        )
    uris = [
        (r.get("Source") or {}).get("SourceUri", "")
        for r in api.list_all("artifact", limit=SUGGESTION_SCAN_LIMIT)
    ]
    raise NotFoundError(f"no artifact has source URI {uri!r}" + did_you_mean(uri, uris, n=3))


def _by_source_arn(api: Api, arn: str, want: str | None) -> tuple[str, str, Entity | None]:
    """An ARN of another resource (model package, endpoint, job...): the artifact, context,
    action or trial component SageMaker recorded for it, whose source is that ARN."""
    kinds = (want,) if want else tuple(_BY_SOURCE)
    if want not in (None, *_BY_SOURCE):
        raise NotFoundError(f"{arn!r} is not the ARN of a {want}")
    found = []
    for kind in kinds:
        key, source = _BY_SOURCE[kind]
        k = sm.kind(kind)
        for r in api.list_all(kind, {key: arn}):
            if (r.get(source) or {}).get(key) == arn:
                found.append((kind, r[k.arn_member], r.get(k.name_member)))
    if len(found) == 1:
        return found[0][0], found[0][1], None
    if len(found) > 1:
        raise AmbiguousRefError(
            f"{len(found)} entities have source URI {arn!r}; use the entity's own ARN or pass kind=: "
            + "; ".join(f"{k} {name or '(no name)'} {a}" for k, a, name in found)
        )
    raise NotFoundError(f"no {_candidates(kinds)} has source URI {arn!r}")


def _by_name(api: Api, name: str, want: str | None) -> tuple[str, str, Entity | None]:
    kinds = (want,) if want else sm.KINDS
    lookups = [k for k in kinds if sm.kind(k).name_fits(name)]
    found = [hit for hits in api.fan_out(lambda k: _lookup(api, k, name), lookups) for hit in hits]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise AmbiguousRefError(
            f"{name!r} matches {len(found)} entities; use an ARN or pass kind=: "
            + "; ".join(f"{k} {name} {arn}" for k, arn, _ in found)
        )
    raise NotFoundError(
        f"no {_candidates(kinds)} named {name!r}" + did_you_mean(name, _names(api, kinds), n=3)
    )


def _lookup(api: Api, kind: str, name: str) -> list[tuple[str, str, Entity | None]]:
    """Entities of one kind with this name: a Describe by name, or a scan of the artifacts."""
    if kind == "artifact":
        return [
            ("artifact", r["ArtifactArn"], None)
            for r in api.list_all("artifact")
            if r.get("ArtifactName") == name
        ]
    try:
        entity = entity_from_describe(kind, api.describe(kind, name))
    except ServiceError as e:
        if e.code in ("ResourceNotFound", "ValidationException"):
            return []
        raise
    return [(kind, entity.arn, entity)]


def _names(api: Api, kinds: tuple[str, ...]) -> list[str]:
    """Names listed from the store (bounded per kind), for suggestions."""
    names: list[str] = []
    for kind in kinds:
        try:
            rows = api.list_all(kind, limit=SUGGESTION_SCAN_LIMIT)
        except ServiceError:
            continue
        member = sm.kind(kind).name_member
        names.extend(r[member] for r in rows if r.get(member))
    return names


__all__ = ["resolve", "resolve_arn", "looks_like_uri"]
