"""Get, create, ensure, list, update, tags and associations: functions of an :class:`~.api.Api`,
driven by the table of entity kinds in :mod:`lineage_magics.sagemaker`."""

from __future__ import annotations

from typing import Any

from . import sagemaker as sm
from .api import Api
from .entities import (
    Association,
    AssociationList,
    Entity,
    EntityList,
    association_from_summary,
    entity_from_describe,
)
from .errors import LineageError, NotFoundError, ResourceNotFoundError, ServiceError
from .refs import resolve, resolve_arn

LIMITS = {"contexts": 500, "actions": 3000, "artifacts": 6000, "associations": 6000}
_SORT_ALIASES = {
    "name": "Name",
    "created": "CreationTime",
    "creation_time": "CreationTime",
    "creationtime": "CreationTime",
    "source": "SourceArn",
    "destination": "DestinationArn",
    "source_arn": "SourceArn",
    "destination_arn": "DestinationArn",
    "source_type": "SourceType",
    "destination_type": "DestinationType",
}
_ORDERS = {"asc": "Ascending", "ascending": "Ascending", "desc": "Descending", "descending": "Descending"}


def tag_list(tags: dict | None) -> list[dict] | None:
    return [{"Key": str(k), "Value": str(v)} for k, v in tags.items()] if tags else None


def source_types_of(source_types: Any) -> list[dict]:
    """``[{"SourceIdType": .., "Value": ..}]`` from that list or a ``{type: value}`` dict."""
    if not source_types:
        return []
    if isinstance(source_types, dict):
        return [{"SourceIdType": k, "Value": str(v)} for k, v in source_types.items()]
    return [dict(st) for st in source_types]


def same_source_types(a: list[dict] | None, b: list[dict] | None) -> bool:
    def key(x):
        return sorted((d.get("SourceIdType"), d.get("Value")) for d in x or [])

    return key(a) == key(b)


def parameter_value(value: Any) -> dict:
    """A trial component parameter: numbers stay ``NumberValue``, anything else ``StringValue``."""
    if isinstance(value, dict) and ({"NumberValue", "StringValue"} & set(value)):
        return dict(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"NumberValue": float(value)}
    return {"StringValue": str(value)}


# -- reading -----------------------------------------------------------------------------------------


def get(api: Api, ref: Any, kind: str | None = None) -> Entity:
    """The entity a ref names, freshly described."""
    found_kind, arn, entity = resolve(api, ref, kind)
    if entity is not None:
        return entity
    try:
        return entity_from_describe(found_kind, api.describe(found_kind, arn))
    except ResourceNotFoundError:
        api.forget(arn)
        raise NotFoundError(f"no {found_kind} {arn} (it may have been deleted)") from None


def existing(api: Api, kind: str, name: str) -> Entity | None:
    """The entity of a named kind with this name, or None."""
    try:
        return entity_from_describe(kind, api.describe(kind, name))
    except ResourceNotFoundError:
        return None


def find_artifact(api: Api, source_uri: str, source_types: Any = None) -> Entity | None:
    """The artifact whose Source is exactly ``source_uri`` + ``source_types``, or None."""
    want = source_types_of(source_types)
    for r in api.list_all("artifact", {"SourceUri": source_uri}):
        src = r.get("Source") or {}
        if src.get("SourceUri") == source_uri and same_source_types(src.get("SourceTypes"), want):
            return entity_from_describe("artifact", r)
    return None


def list_entities(
    api: Api,
    kind: str,
    *,
    type: str | None = None,
    source_uri: str | None = None,
    created_after: Any = None,
    created_before: Any = None,
    sort_by: str | None = None,
    sort_order: str | None = None,
    limit: int | None = None,
    experiment: Any = None,
    trial: Any = None,
    trial_component: Any = None,
    source: Any = None,
    destination: Any = None,
    source_type: str | None = None,
    destination_type: str | None = None,
) -> EntityList | AssociationList:
    """See :meth:`LineageClient.list`."""
    what = sm.listing(kind)
    k = what.name
    params: dict[str, Any] = {}
    if created_after is not None:
        params["CreatedAfter"] = created_after
    if created_before is not None:
        params["CreatedBefore"] = created_before
    if sort_by:
        value = _SORT_ALIASES.get(sort_by.lower(), sort_by)
        if value not in what.sort_keys:
            raise LineageError(f"{k} lists sort by {' or '.join(what.sort_keys)}, not {sort_by!r}")
        params["SortBy"] = value
    if sort_order:
        if sort_order.lower() not in _ORDERS:
            raise LineageError(f"sort_order is Ascending or Descending, not {sort_order!r}")
        params["SortOrder"] = _ORDERS[sort_order.lower()]
    filters = {
        "source": source, "destination": destination, "source_type": source_type,
        "destination_type": destination_type, "source_uri": source_uri, "experiment": experiment,
        "trial": trial, "trial_component": trial_component, "type": type,
    }  # fmt: skip
    allowed = _FILTERS.get(k, ())
    refused = [name for name, value in filters.items() if value and name not in allowed]
    if refused:
        raise LineageError(f"{k} lists cannot be filtered by {', '.join(refused)}")
    if k == "association":
        if source is not None:
            params["SourceArn"] = resolve_arn(api, source)
        if destination is not None:
            params["DestinationArn"] = resolve_arn(api, destination)
        for name, member in (("type", "AssociationType"), ("source_type", "SourceType"),
                             ("destination_type", "DestinationType")):  # fmt: skip
            if filters[name]:
                params[member] = filters[name]
        rows, more = api.pages(k, params, limit)
        return AssociationList(
            [association_from_summary(r) for r in rows], **({"total": None} if more else {})
        )
    if type:
        params[what.type_member] = type
    if source_uri:
        params["SourceArn" if k == "trial-component" else "SourceUri"] = source_uri
    if experiment is not None:
        params["ExperimentName"] = sm.name_of_arn(resolve_arn(api, experiment, "experiment"))
    if trial is not None:
        params["TrialName"] = sm.name_of_arn(resolve_arn(api, trial, "trial"))
    if trial_component is not None:
        params["TrialComponentName"] = sm.name_of_arn(resolve_arn(api, trial_component, "trial-component"))
    rows, more = api.pages(k, params, limit)
    return EntityList(
        [entity_from_describe(k, r) for r in rows], kind=f"{k}s", **({"total": None} if more else {})
    )


# which filters each listing takes (the List* request members behind them)
_FILTERS = {
    "context": ("type", "source_uri"),
    "action": ("type", "source_uri"),
    "artifact": ("type", "source_uri"),
    "experiment": (),
    "trial": ("experiment", "trial_component"),
    "trial-component": ("source_uri", "experiment", "trial"),
    "association": ("source", "destination", "type", "source_type", "destination_type"),
}


# -- creating ----------------------------------------------------------------------------------------


def _create_request(kind: str, kw: dict) -> dict:
    """The CreateContext/Action/Artifact request for ``create``'s keywords."""
    k = sm.kind(kind)
    if kind == "artifact":
        source: dict[str, Any] = dict(kw.get("source") or {"SourceUri": kw["source_uri"]})
        if kw.get("source_types"):
            source["SourceTypes"] = source_types_of(kw["source_types"])
        params: dict[str, Any] = {"Source": source, "ArtifactType": kw["type"]}
        if kw.get("name"):
            params["ArtifactName"] = kw["name"]
    elif kind in ("context", "action"):
        params = {
            k.name_member: kw["name"],
            k.type_member: kw["type"],
            "Source": kw.get("source") or {"SourceUri": kw.get("source_uri") or kw["name"]},
        }
        if kind == "action" and kw.get("status"):
            params["Status"] = kw["status"]
        if kw.get("description") is not None:
            params["Description"] = kw["description"]
    else:
        raise LineageError(f"cannot create a {kind} this way")
    if kw.get("properties"):
        params["Properties"] = {key: str(v) for key, v in kw["properties"].items()}
    if kw.get("tags"):
        params["Tags"] = tag_list(kw["tags"])
    return params


def create(api: Api, kind: str, **kw: Any) -> str:
    """Create one context, action or artifact; returns its ARN.

    When a retried server error hid a create that had in fact committed, the retry's "already
    exists" is answered with the entity that the first attempt made."""
    k = sm.kind(kind)
    try:
        arn = api.call(k.op("create"), **_create_request(kind, kw))[k.arn_member]
    except ServiceError as e:
        if not (e.after_server_error and "already exists" in str(e)):
            raise
        found = _find(api, kind, kw)
        if found is None:
            raise
        arn = found.arn
    api.forget(arn)
    return arn


def _find(api: Api, kind: str, kw: dict) -> Entity | None:
    if kind == "artifact":
        return find_artifact(api, kw["source_uri"], kw.get("source_types"))
    return existing(api, kind, kw["name"])


def ensure(api: Api, kind: str, **kw: Any) -> tuple[Entity, bool]:
    """``(entity, created)``: the existing entity with this identity, else a new one."""
    for _ in range(3):
        found = _find(api, kind, kw)
        if found is not None:
            return (get(api, found.arn) if kind == "artifact" else found), False
        try:
            arn = create(api, kind, **kw)
        except ServiceError as e:
            if e.code == "ValidationException" and "already exists" in str(e):
                continue  # created meanwhile by someone else: read it back
            raise
        return get(api, arn), True
    raise LineageError(f"could not create or find the {kind} {kw.get('name') or kw.get('source_uri')!r}")


def create_experiment(
    api: Api,
    name: str,
    *,
    display_name: str | None = None,
    description: str | None = None,
    tags: dict | None = None,
) -> Entity:
    params: dict[str, Any] = {"ExperimentName": name}
    if description is not None:
        params["Description"] = description
    return _create_experiment_entity(api, "experiment", params, display_name, tags)


def create_trial(
    api: Api, name: str, experiment: Any, *, display_name: str | None = None, tags: dict | None = None
) -> Entity:
    params: dict[str, Any] = {
        "TrialName": name,
        "ExperimentName": sm.name_of_arn(resolve_arn(api, experiment, "experiment")),
    }
    return _create_experiment_entity(api, "trial", params, display_name, tags)


def create_trial_component(
    api: Api,
    name: str,
    *,
    display_name: str | None = None,
    status: str | None = None,
    parameters: dict | None = None,
    input_artifacts: dict | None = None,
    output_artifacts: dict | None = None,
    start_time: Any = None,
    end_time: Any = None,
    tags: dict | None = None,
) -> Entity:
    """Create a trial component. Parameters: numbers stay numbers; artifacts: ``{name: uri}``."""
    params: dict[str, Any] = {"TrialComponentName": name}
    if status:
        params["Status"] = {"PrimaryStatus": status}
    if parameters:
        params["Parameters"] = {key: parameter_value(v) for key, v in parameters.items()}
    for key, value in (("InputArtifacts", input_artifacts), ("OutputArtifacts", output_artifacts)):
        if value:
            params[key] = {n: v if isinstance(v, dict) else {"Value": str(v)} for n, v in value.items()}
    if start_time is not None:
        params["StartTime"] = start_time
    if end_time is not None:
        params["EndTime"] = end_time
    return _create_experiment_entity(api, "trial-component", params, display_name, tags)


def _create_experiment_entity(
    api: Api, kind: str, params: dict, display_name: str | None, tags: dict | None
) -> Entity:
    """CreateExperiment/Trial/TrialComponent with ``params`` plus the display name and tags."""
    k = sm.kind(kind)
    if display_name:
        params["DisplayName"] = display_name
    if tags:
        params["Tags"] = tag_list(tags)
    arn = api.call(k.op("create"), **params)[k.arn_member]
    api.forget(arn)
    return get(api, arn)


def add_trial_component(api: Api, trial: Any, trial_component: Any) -> None:
    """Put a trial component into a trial (AssociateTrialComponent)."""
    api.call(
        "associate_trial_component",
        TrialName=sm.name_of_arn(resolve_arn(api, trial, "trial")),
        TrialComponentName=sm.name_of_arn(resolve_arn(api, trial_component, "trial-component")),
    )


# -- updating ----------------------------------------------------------------------------------------


def update(
    api: Api,
    ref: Any,
    *,
    description: str | None = None,
    status: str | None = None,
    properties: dict | None = None,
    remove_properties: Any = None,
    name: str | None = None,
) -> Entity:
    """See :meth:`LineageClient.update`."""
    current = get(api, ref)
    k = sm.kind(current.kind)
    removes = [remove_properties] if isinstance(remove_properties, str) else list(remove_properties or [])
    params: dict[str, Any] = {}
    if properties is not None or removes:
        if k.properties is None:
            raise LineageError(f"a {k.name} has no properties to update")
        if properties is not None:
            if k.server_merges:  # the service merges by key: send only what changes, types kept
                params[k.properties] = {key: parameter_value(v) for key, v in properties.items()}
            else:  # the service replaces the whole set: send the merge
                merged = {**current.properties, **{key: str(v) for key, v in properties.items()}}
                params[k.properties] = {key: v for key, v in merged.items() if key not in removes}
        if removes:
            params[f"{k.properties}ToRemove"] = removes
    if description is not None:
        if "Description" not in k.update_members:
            raise LineageError(f"a {k.name} has no description")
        params["Description"] = description
    if status is not None:
        if "Status" not in k.update_members:
            raise LineageError(f"a {k.name} has no status (actions and trial components do)")
        params["Status"] = {"PrimaryStatus": status} if k.name == "trial-component" else status
    if name is not None:
        if k.name_member not in k.update_members or k.name_member == k.ident:
            raise LineageError(f"SageMaker cannot rename a {k.name} (only artifacts can be renamed)")
        params[k.name_member] = name
    if not params:
        return current
    api.call(k.op("update"), **{k.ident: current.arn if k.by_arn else current.name}, **params)
    api.forget(current.arn)
    return get(api, current.arn)


# -- tags --------------------------------------------------------------------------------------------


def tags(api: Api, ref: Any) -> dict[str, str]:
    """The entity's tags as a dict."""
    arn = resolve_arn(api, ref)
    out: dict[str, str] = {}
    token = None
    while True:
        params: dict[str, Any] = {"ResourceArn": arn, "MaxResults": 100}
        if token:
            params["NextToken"] = token
        r = api.call("list_tags", **params)
        out.update({t["Key"]: t.get("Value", "") for t in r.get("Tags", [])})
        token = r.get("NextToken")
        if not token:
            return out


def tag(api: Api, ref: Any, **new: Any) -> dict[str, str]:
    """Add or overwrite tags; returns all the entity's tags."""
    arn = resolve_arn(api, ref)
    if new:
        api.call("add_tags", ResourceArn=arn, Tags=tag_list(new))
    return tags(api, arn)


def untag(api: Api, ref: Any, *keys: str) -> None:
    """Remove tags by key."""
    if keys:
        api.call("delete_tags", ResourceArn=resolve_arn(api, ref), TagKeys=list(keys))


# -- associations ------------------------------------------------------------------------------------


def add_association(api: Api, src: str, dst: str, type: str | None, exist_ok: bool = True) -> bool:
    """Add ``src -> dst`` (ARNs); True when created, False when it already existed with this type."""
    params: dict[str, Any] = {"SourceArn": src, "DestinationArn": dst}
    if type:
        params["AssociationType"] = type
    try:
        api.call("add_association", **params)
        return True
    except ServiceError as e:
        if not (exist_ok and e.code == "ValidationException" and "already exists" in str(e)):
            raise
    found = api.list_all("association", {"SourceArn": src, "DestinationArn": dst})
    have = found[0].get("AssociationType") if found else None
    if found and (type is None or have == type):
        return False
    raise ServiceError(
        f"AddAssociation failed: {sm.name_of_arn(src)} -> {sm.name_of_arn(dst)} already exists "
        f"with type {have}, not {type}",
        code="ValidationException",
        operation="AddAssociation",
    )


def associate(
    api: Api, source: Any, destination: Any, type: str | None = None, *, exist_ok: bool = True
) -> Association:
    """See :meth:`LineageClient.associate`."""
    s_kind, src, _ = resolve(api, source)
    d_kind, dst, _ = resolve(api, destination)
    if type is None:
        type = sm.default_association_type(s_kind, d_kind)
    add_association(api, src, dst, type, exist_ok)
    rows = api.list_all("association", {"SourceArn": src, "DestinationArn": dst})
    return association_from_summary(rows[0]) if rows else Association(src, dst, type)


def associations(api: Api, ref: Any, direction: str = "both") -> AssociationList:
    """The entity's associations: ``in`` (it is the destination), ``out`` (the source), or both."""
    if direction not in ("both", "in", "out"):
        raise LineageError(f"direction is both, in or out, not {direction!r}")
    arn = resolve_arn(api, ref)
    if direction == "both":
        rows = api.associations_of(arn)
    else:
        rows = api.list_all("association", {"SourceArn" if direction == "out" else "DestinationArn": arn})
    return AssociationList([association_from_summary(r) for r in rows])


def disassociate(api: Api, source: Any, destination: Any) -> None:
    """Remove the association ``source -> destination``."""
    api.call(
        "delete_association", SourceArn=resolve_arn(api, source), DestinationArn=resolve_arn(api, destination)
    )


# -- deleting one thing (plans and cascades: ops.cleanup) --------------------------------------------


def delete_entity(api: Api, kind: str, arn: str) -> bool:
    """Delete one entity; False when it was already gone."""
    k = sm.kind(kind)
    try:
        api.call(k.op("delete"), **{k.ident: arn if k.by_arn else sm.name_of_arn(arn)})
        return True
    except ResourceNotFoundError:
        return False
    finally:
        api.forget(arn)


def delete_association(api: Api, src: str, dst: str) -> bool:
    """Delete ``src -> dst``; False when it was already gone."""
    try:
        api.call("delete_association", SourceArn=src, DestinationArn=dst)
        return True
    except ResourceNotFoundError:
        return False


def remove_trial_component(api: Api, trial: str, trial_component: str) -> bool:
    """Take a trial component out of a trial (names); False when it was not in it."""
    try:
        api.call("disassociate_trial_component", TrialName=trial, TrialComponentName=trial_component)
        return True
    except ResourceNotFoundError:
        return False


# -- usage -------------------------------------------------------------------------------------------


def counts(api: Api) -> dict[str, tuple[int, int | None]]:
    """Manual-entity usage against SageMaker's limits: ``{"contexts": (used, 500), ...}``.

    A local store answers from its own counters; elsewhere the entities are listed and counted
    (the API cannot tell manual entities from those SageMaker created)."""
    if api.service is not None:
        got = api.service.counts()
        return {k: (int(got[k][0]), got[k][1]) for k in LIMITS if k in got}
    return {plural: (len(api.list_all(plural)), limit) for plural, limit in LIMITS.items()}
