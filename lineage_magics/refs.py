"""Refs: turn what a user types (ARN, name, artifact URI, entity object) into ``(kind, ARN)``.

Names are looked up with Describe calls (which accept names) for contexts, actions, experiments,
trials and trial components, and with a listing for artifacts (their names are optional and not
unique). The ARN of a resource that is not a lineage entity (a model package, an endpoint, a job)
resolves to the artifact, context, action or trial component whose source is that ARN. Every resolution is cached per client until the entity is deleted or renamed.
"""

from __future__ import annotations

import difflib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from .entities import KINDS, Entity, entity_from_describe, is_arn, kind_of_arn, normalize_kind
from .errors import AmbiguousRefError, NotFoundError, ServiceError
from .graph import Vertex

if TYPE_CHECKING:  # pragma: no cover
    from .client import LineageClient

# Name patterns from the API model: contexts allow "_", the experiment-entity names do not.
_CONTEXT_NAME = re.compile(r"[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,119}")
_ENTITY_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}")

# kind -> (describe operation, name parameter)
DESCRIBE_BY_NAME = {
    "context": ("describe_context", "ContextName"),
    "action": ("describe_action", "ActionName"),
    "experiment": ("describe_experiment", "ExperimentName"),
    "trial": ("describe_trial", "TrialName"),
    "trial-component": ("describe_trial_component", "TrialComponentName"),
}
_NAMED_KINDS = ("context", "action", "experiment", "trial", "trial-component")
# kinds with a Source, in lookup order for the ARN of a resource SageMaker records (model package,
# endpoint, job...): (list filter, source member of the summary, ARN member, name member)
SOURCE_KINDS = ("artifact", "context", "action", "trial-component")
_BY_SOURCE = {
    "artifact": ("SourceUri", "Source", "ArtifactArn", "ArtifactName"),
    "context": ("SourceUri", "Source", "ContextArn", "ContextName"),
    "action": ("SourceUri", "Source", "ActionArn", "ActionName"),
    "trial-component": ("SourceArn", "TrialComponentSource", "TrialComponentArn", "TrialComponentName"),
}
# how many names per kind a "did you mean" suggestion looks at
SUGGESTION_SCAN_LIMIT = 500


def looks_like_uri(ref: str) -> bool:
    """True for anything that cannot be an entity name but can be a source URI (``s3://``, paths...)."""
    return not is_arn(ref) and not _CONTEXT_NAME.fullmatch(ref)


def _name_fits(kind: str, name: str) -> bool:
    return bool((_CONTEXT_NAME if kind == "context" else _ENTITY_NAME).fullmatch(name))


def _describe_candidates(kinds: tuple[str, ...]) -> str:
    words = {"trial-component": "trial component"}
    names = [words.get(k, k) for k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class RefResolver:
    """Resolves refs for one :class:`LineageClient`, with a cache of what it found."""

    def __init__(self, client: LineageClient):
        self._client = client
        self._cache: dict[tuple[str, str | None], tuple[str, str]] = {}
        self._lock = threading.Lock()

    # -- cache -------------------------------------------------------------------
    def invalidate(self, arn: str | None = None) -> None:
        """Forget every cached resolution that gave ``arn`` (all of them when None)."""
        with self._lock:
            if arn is None:
                self._cache.clear()
                return
            for key in [k for k, v in self._cache.items() if v[1] == arn]:
                del self._cache[key]

    def remember(self, ref: str, kind: str, arn: str) -> None:
        with self._lock:
            self._cache[(ref, kind)] = (kind, arn)
            self._cache[(ref, None)] = (kind, arn)

    # -- resolving ----------------------------------------------------------------
    def resolve(self, ref: Any, kind: str | None = None) -> tuple[str, str, Entity | None]:
        """``(kind, arn, entity or None)``; the entity is returned when a lookup described it anyway."""
        want = normalize_kind(kind) if kind else None
        if isinstance(ref, Entity):
            return ref.kind, ref.arn, None
        if isinstance(ref, Vertex):
            return kind_of_arn(ref.arn) or "artifact", ref.arn, None
        if not isinstance(ref, str) or not ref.strip():
            raise NotFoundError(f"not a ref: {ref!r} (give an ARN, a name, an artifact URI or an entity)")
        ref = ref.strip()
        found = kind_of_arn(ref) if is_arn(ref) else None
        if found is not None:
            if want and found != want:
                raise NotFoundError(f"{ref!r} is the ARN of a {found}, not of a {want}")
            return found, ref, None
        with self._lock:
            hit = self._cache.get((ref, want))
        if hit is not None:
            return hit[0], hit[1], None
        if is_arn(ref):
            found_kind, arn, entity = self._by_source_arn(ref, want)
        elif looks_like_uri(ref):
            if want not in (None, "artifact"):
                raise NotFoundError(f"{ref!r} is not a valid {want} name")
            found_kind, arn, entity = self._by_uri(ref)
        else:
            found_kind, arn, entity = self._by_name(ref, want)
        with self._lock:
            self._cache[(ref, want)] = (found_kind, arn)
        return found_kind, arn, entity

    def _by_uri(self, uri: str) -> tuple[str, str, Entity | None]:
        rows = self._client._list_raw("artifact", {"SourceUri": uri})
        rows = [r for r in rows if (r.get("Source") or {}).get("SourceUri") == uri]
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
            for r in self._client._list_raw("artifact", {}, limit=SUGGESTION_SCAN_LIMIT)
        ]
        raise NotFoundError(f"no artifact has source URI {uri!r}" + _did_you_mean(uri, uris))

    def _by_source_arn(self, arn: str, want: str | None) -> tuple[str, str, Entity | None]:
        """An ARN of another resource (model package, endpoint, job...): the artifact, context,
        action or trial component SageMaker recorded for it, whose source is that ARN."""
        kinds = (want,) if want else SOURCE_KINDS
        if want not in (None, *SOURCE_KINDS):
            raise NotFoundError(f"{arn!r} is not the ARN of a {want}")
        found = []
        for kind in kinds:
            key, source, arn_field, name_field = _BY_SOURCE[kind]
            for r in self._client._list_raw(kind, {key: arn}):
                if (r.get(source) or {}).get(key) == arn:
                    found.append((kind, r[arn_field], r.get(name_field)))
        if len(found) == 1:
            return found[0][0], found[0][1], None
        if len(found) > 1:
            raise AmbiguousRefError(
                f"{len(found)} entities have source URI {arn!r}; use the entity's own ARN or pass kind=: "
                + "; ".join(f"{k} {name or '(no name)'} {a}" for k, a, name in found)
            )
        raise NotFoundError(f"no {_describe_candidates(kinds)} has source URI {arn!r}")

    def _by_name(self, name: str, want: str | None) -> tuple[str, str, Entity | None]:
        kinds = (want,) if want else KINDS
        lookups = [k for k in kinds if k == "artifact" or _name_fits(k, name)]
        workers = min(self._client.max_workers, len(lookups))
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(lambda k: self._lookup(k, name), lookups))
        else:
            results = [self._lookup(k, name) for k in lookups]
        found = [hit for hits in results for hit in hits]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise AmbiguousRefError(
                f"{name!r} matches {len(found)} entities; use an ARN or pass kind=: "
                + "; ".join(f"{k} {name} {arn}" for k, arn, _ in found)
            )
        raise NotFoundError(
            f"no {_describe_candidates(kinds)} named {name!r}" + _did_you_mean(name, self._names(kinds))
        )

    def _lookup(self, kind: str, name: str) -> list[tuple[str, str, Entity | None]]:
        """Entities of one kind with this name: a Describe by name, or a scan of the artifacts."""
        if kind == "artifact":
            rows = self._client._list_raw("artifact", {})
            return [("artifact", r["ArtifactArn"], None) for r in rows if r.get("ArtifactName") == name]
        op, param = DESCRIBE_BY_NAME[kind]
        try:
            r = self._client._call(op, **{param: name})
        except ServiceError as e:
            if e.code in ("ResourceNotFound", "ValidationException"):
                return []
            raise
        entity = entity_from_describe(kind, r)
        return [(kind, entity.arn, entity)]

    def _names(self, kinds: tuple[str, ...]) -> list[str]:
        """Names listed from the store (bounded per kind), for suggestions."""
        names: list[str] = []
        for kind in kinds:
            try:
                rows = self._client._list_raw(kind, {}, limit=SUGGESTION_SCAN_LIMIT)
            except ServiceError:
                continue
            field = {
                "context": "ContextName",
                "action": "ActionName",
                "artifact": "ArtifactName",
                "experiment": "ExperimentName",
                "trial": "TrialName",
                "trial-component": "TrialComponentName",
            }[kind]
            names.extend(r[field] for r in rows if r.get(field))
        return names


def _did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


__all__ = ["RefResolver", "looks_like_uri"]
