"""LineageClient: snake_case Python over any boto3 SageMaker client (local service or real SageMaker).

This module holds the calls themselves (create, get, list, update, tags, associations) and the
error and retry boundary; traversal, clean-up, apply, copy, diff and impact live in their own
modules and are reached through methods here.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from .entities import (
    KINDS,
    Association,
    AssociationList,
    Entity,
    EntityList,
    association_from_summary,
    entity_from_describe,
    name_of_arn,
    normalize_kind,
)
from .errors import LineageError, NotFoundError, ServiceError
from .refs import RefResolver
from .spec import default_association_type


class ResourceNotFoundError(ServiceError, NotFoundError):
    """The service answered ResourceNotFound (a :class:`ServiceError` that is also a NotFoundError)."""


# kind -> (list operation, summaries key)
_LIST = {
    "context": ("list_contexts", "ContextSummaries"),
    "action": ("list_actions", "ActionSummaries"),
    "artifact": ("list_artifacts", "ArtifactSummaries"),
    "experiment": ("list_experiments", "ExperimentSummaries"),
    "trial": ("list_trials", "TrialSummaries"),
    "trial-component": ("list_trial_components", "TrialComponentSummaries"),
    "association": ("list_associations", "AssociationSummaries"),
}
_SORT_BY = {
    "context": ("Name", "CreationTime"),
    "action": ("Name", "CreationTime"),
    "artifact": ("CreationTime",),
    "experiment": ("Name", "CreationTime"),
    "trial": ("Name", "CreationTime"),
    "trial-component": ("Name", "CreationTime"),
    "association": ("SourceArn", "DestinationArn", "SourceType", "DestinationType", "CreationTime"),
}
_TYPE_PARAM = {"context": "ContextType", "action": "ActionType", "artifact": "ArtifactType"}
_DELETE = {
    "context": ("delete_context", "ContextName"),
    "action": ("delete_action", "ActionName"),
    "artifact": ("delete_artifact", "ArtifactArn"),
    "experiment": ("delete_experiment", "ExperimentName"),
    "trial": ("delete_trial", "TrialName"),
    "trial-component": ("delete_trial_component", "TrialComponentName"),
}
# retried until a time budget is spent (the service asks us to slow down, not that it is broken)
THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
    }
)
# retried a bounded number of times
SERVER_ERROR_CODES = frozenset({"InternalFailure", "InternalServerError", "ServiceUnavailable"})
RETRYABLE_CODES = THROTTLING_CODES | SERVER_ERROR_CODES
LIMITS = {"contexts": 500, "actions": 3000, "artifacts": 6000, "associations": 6000}


def _sort_value(kind: str, sort_by: str) -> str:
    aliases = {
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
    value = aliases.get(sort_by.lower(), sort_by)
    allowed = _SORT_BY[kind]
    if value not in allowed:
        raise LineageError(f"{kind} lists sort by {' or '.join(allowed)}, not {sort_by!r}")
    return value


def _order_value(order: str) -> str:
    value = {"asc": "Ascending", "ascending": "Ascending", "desc": "Descending", "descending": "Descending"}
    try:
        return value[order.lower()]
    except KeyError:
        raise LineageError(f"sort_order is Ascending or Descending, not {order!r}") from None


def _tag_list(tags: dict | None) -> list[dict] | None:
    return [{"Key": str(k), "Value": str(v)} for k, v in tags.items()] if tags else None


def _source_types(source_types: Any) -> list[dict]:
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


def map_error(exc: Exception, operation: str | None = None) -> LineageError:
    """One-line LineageError for a botocore exception (ClientError keeps its code as ServiceError)."""
    from botocore import exceptions as bx

    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code")
        op = exc.operation_name or operation
        msg = (err.get("Message") or str(exc)).strip().splitlines()[0] if (err.get("Message") or "") else code
        cls = ResourceNotFoundError if code == "ResourceNotFound" else ServiceError
        return cls(f"{op} failed ({code}): {msg}", code=code, operation=op)
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError, bx.CredentialRetrievalError)):
        what = (
            "no AWS credentials found"
            if isinstance(exc, bx.NoCredentialsError)
            else f"AWS credentials: {exc}"
        )
        return LineageError(
            f"{what}: run `aws configure` (or pass sagemaker://REGION?profile=NAME), "
            "or use a local store such as memory:// or sqlite:///lineage.db"
        )
    if isinstance(exc, bx.NoRegionError):
        return LineageError("no AWS region set: use sagemaker://REGION or set AWS_DEFAULT_REGION")
    if isinstance(exc, bx.EndpointConnectionError):
        return LineageError(
            f"cannot reach {exc.kwargs.get('endpoint_url', 'the endpoint')}: check the URL, the network, "
            "or that `lineage serve` is running"
        )
    if isinstance(exc, bx.ParamValidationError):
        report = str(exc.kwargs.get("report", exc)).strip().splitlines()
        return LineageError(f"invalid parameters for {operation}: {' '.join(s.strip() for s in report)}")
    return LineageError(f"{operation or 'call'} failed: {str(exc).splitlines()[0] if str(exc) else exc!r}")


class LineageClient:
    """The lineage API over a boto3 SageMaker client, a URL (see ``lineage_magics.connect``), or None
    (``LINEAGE_MAGICS_URL``, else the default local store).

    Retries: each call that is throttled is retried with capped exponential back-off and jitter
    (``retry_base`` seconds doubling up to ``retry_cap``) until ``retry_budget`` seconds have passed
    since its first refusal; server errors (InternalFailure, ServiceUnavailable...) are retried the
    same way at most ``retry_attempts - 1`` times. Then the error is raised as a ServiceError.
    """

    retry_attempts = 12
    retry_base = 0.05
    retry_cap = 2.0
    retry_budget = 60.0

    def __init__(
        self,
        client_or_url: Any = None,
        *,
        progress: bool = True,
        max_workers: int = 4,
        retry_base: float | None = None,
        retry_budget: float | None = None,
    ):
        if isinstance(client_or_url, LineageClient):
            self.sagemaker = client_or_url.sagemaker
            self.url = client_or_url.url
            for name in ("retry_attempts", "retry_base", "retry_cap", "retry_budget"):
                setattr(self, name, getattr(client_or_url, name))
        elif client_or_url is None or isinstance(client_or_url, str):
            from botocore.exceptions import BotoCoreError

            from .connect import connect

            try:
                self.sagemaker = connect(client_or_url)
            except ValueError as e:
                raise LineageError(str(e)) from e
            except BotoCoreError as e:
                raise map_error(e, "connect") from e
            self.url = client_or_url
        else:
            self.sagemaker = client_or_url
            self.url = None
        if retry_base is not None:
            self.retry_base = float(retry_base)
        if retry_budget is not None:
            self.retry_budget = float(retry_budget)
        self.progress = progress
        self.max_workers = max(1, int(max_workers))
        self.refs = RefResolver(self)
        self._artifact_cache: dict[str, dict] = {}
        self._cache_lock = threading.Lock()
        self._pending_cleanups: dict[str, Any] = {}

    def __repr__(self) -> str:
        where = self.url or getattr(getattr(self.sagemaker, "meta", None), "endpoint_url", None)
        return f"<LineageClient {where}>"

    # -- the call boundary ----------------------------------------------------------
    def _call(self, operation: str, **params: Any) -> dict:
        """Call ``self.sagemaker.<operation>(**params)`` with the retry policy of the class docstring;
        maps botocore errors to LineageError / ServiceError."""
        from botocore import exceptions as bx

        method = getattr(self.sagemaker, operation)
        attempt = server_errors = 0
        deadline = None
        while True:
            try:
                return method(**params)
            except bx.ClientError as e:
                code = e.response.get("Error", {}).get("Code")
                delay = min(self.retry_cap, self.retry_base * 2 ** min(attempt, 32))
                delay = random.uniform(delay / 2, delay)
                if code in THROTTLING_CODES:
                    now = time.monotonic()
                    deadline = now + self.retry_budget if deadline is None else deadline
                    retry = now + delay <= deadline
                else:
                    server_errors += code in SERVER_ERROR_CODES
                    retry = code in SERVER_ERROR_CODES and server_errors < self.retry_attempts
                if not retry:
                    error = map_error(e, operation)
                    # A create refused as "already exists" after a retried server error may be our own
                    # first attempt, committed before the error: _create_raw reads it back.
                    error.after_server_error = server_errors > 0
                    raise error from e
                time.sleep(delay)
                attempt += 1
            except bx.BotoCoreError as e:
                raise map_error(e, operation) from e

    def _list_raw(self, kind: str, params: dict, limit: int | None = None) -> list[dict]:
        """Every summary of a List* call (all pages, 100 a page), or the first ``limit``."""
        return self._list_pages(kind, params, limit)[0]

    def _list_pages(self, kind: str, params: dict, limit: int | None = None) -> tuple[list[dict], bool]:
        """``(summaries, more)``: ``more`` is true when ``limit`` stopped before the last page."""
        kind = normalize_kind(kind)
        op, key = _LIST[kind]
        out: list[dict] = []
        token = None
        while True:
            page_size = 100 if limit is None else max(1, min(100, limit - len(out)))
            call = dict(params, MaxResults=page_size)
            if token:
                call["NextToken"] = token
            r = self._call(op, **call)
            out.extend(r.get(key, []))
            token = r.get("NextToken")
            if not token:
                return (out[:limit] if limit is not None else out), len(out) > (limit or len(out))
            if limit is not None and len(out) >= limit:
                return out[:limit], True

    def _describe(self, kind: str, arn: str) -> dict:
        kind = normalize_kind(kind)
        name = name_of_arn(arn)
        if kind == "context":
            return self._call("describe_context", ContextName=arn)
        if kind == "action":
            return self._call("describe_action", ActionName=arn)
        if kind == "artifact":
            return self._call("describe_artifact", ArtifactArn=arn)
        if kind == "experiment":
            return self._call("describe_experiment", ExperimentName=name)
        if kind == "trial":
            return self._call("describe_trial", TrialName=name)
        return self._call("describe_trial_component", TrialComponentName=arn)

    def _forget(self, arn: str) -> None:
        self.refs.invalidate(arn)
        with self._cache_lock:
            self._artifact_cache.pop(arn, None)

    # -- refs ------------------------------------------------------------------------
    def resolve(self, ref: Any, kind: str | None = None) -> str:
        """The ARN of a ref (ARN, name, artifact name or source URI, Entity)."""
        return self.refs.resolve(ref, kind)[1]

    def get(self, ref: Any, kind: str | None = None) -> Entity:
        """The entity a ref names, freshly described."""
        found_kind, arn, entity = self.refs.resolve(ref, kind)
        if entity is not None:
            return entity
        try:
            return entity_from_describe(found_kind, self._describe(found_kind, arn))
        except ResourceNotFoundError:
            self._forget(arn)
            raise NotFoundError(f"no {found_kind} {arn} (it may have been deleted)") from None

    def kind_of(self, ref: Any) -> str:
        return self.refs.resolve(ref)[0]

    # -- create ------------------------------------------------------------------------
    def _create_raw(self, kind: str, **kw: Any) -> str:
        """Create one context/action/artifact; returns its ARN.

        When a retried server error hid a create that had in fact committed, the retry's "already
        exists" is answered with the entity that the first attempt made."""
        try:
            return self._create_once(kind, **kw)
        except ServiceError as e:
            if not (getattr(e, "after_server_error", False) and "already exists" in str(e)):
                raise
            if kind == "artifact":
                found = self.find_artifact(kw["source_uri"], kw.get("source_types"))
            else:
                found = self._existing_by_name(kind, kw["name"])
            if found is None:
                raise
            return found.arn

    def _create_once(self, kind: str, **kw: Any) -> str:
        tags = _tag_list(kw.get("tags"))
        if kind == "context":
            params = {
                "ContextName": kw["name"],
                "ContextType": kw["type"],
                "Source": kw.get("source") or {"SourceUri": kw.get("source_uri") or kw["name"]},
            }
            if kw.get("description") is not None:
                params["Description"] = kw["description"]
            if kw.get("properties"):
                params["Properties"] = {k: str(v) for k, v in kw["properties"].items()}
            if tags:
                params["Tags"] = tags
            arn = self._call("create_context", **params)["ContextArn"]
        elif kind == "action":
            params = {
                "ActionName": kw["name"],
                "ActionType": kw["type"],
                "Source": kw.get("source") or {"SourceUri": kw.get("source_uri") or kw["name"]},
            }
            if kw.get("status"):
                params["Status"] = kw["status"]
            if kw.get("description") is not None:
                params["Description"] = kw["description"]
            if kw.get("properties"):
                params["Properties"] = {k: str(v) for k, v in kw["properties"].items()}
            if tags:
                params["Tags"] = tags
            arn = self._call("create_action", **params)["ActionArn"]
        elif kind == "artifact":
            source: dict[str, Any] = {"SourceUri": kw["source_uri"]}
            if kw.get("source_types"):
                source["SourceTypes"] = _source_types(kw["source_types"])
            params = {"Source": source, "ArtifactType": kw["type"]}
            if kw.get("name"):
                params["ArtifactName"] = kw["name"]
            if kw.get("properties"):
                params["Properties"] = {k: str(v) for k, v in kw["properties"].items()}
            if tags:
                params["Tags"] = tags
            arn = self._call("create_artifact", **params)["ArtifactArn"]
        else:
            raise LineageError(f"cannot create a {kind} this way")
        self.refs.invalidate(arn)
        return arn

    def create_context(
        self,
        name: str,
        type: str,
        source_uri: str | None = None,
        *,
        description: str | None = None,
        properties: dict | None = None,
        tags: dict | None = None,
    ) -> Entity:
        """Create a context (a duplicate name raises ServiceError "already exists").
        ``source_uri`` defaults to the name (SageMaker requires one)."""
        arn = self._create_raw(
            "context",
            name=name,
            type=type,
            source_uri=source_uri,
            description=description,
            properties=properties,
            tags=tags,
        )
        return self.get(arn)

    def create_action(
        self,
        name: str,
        type: str,
        source_uri: str | None = None,
        *,
        status: str | None = None,
        description: str | None = None,
        properties: dict | None = None,
        tags: dict | None = None,
    ) -> Entity:
        """Create an action (a duplicate name raises ServiceError "already exists")."""
        arn = self._create_raw(
            "action",
            name=name,
            type=type,
            source_uri=source_uri,
            status=status,
            description=description,
            properties=properties,
            tags=tags,
        )
        return self.get(arn)

    def create_artifact(
        self,
        source_uri: str,
        type: str,
        name: str | None = None,
        *,
        source_types: Any = None,
        properties: dict | None = None,
        tags: dict | None = None,
    ) -> Entity:
        """Create an artifact; its identity is its Source (URI + source types), not its name."""
        arn = self._create_raw(
            "artifact",
            source_uri=source_uri,
            type=type,
            name=name,
            source_types=source_types,
            properties=properties,
            tags=tags,
        )
        return self.get(arn)

    def create_experiment(
        self,
        name: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        tags: dict | None = None,
    ) -> Entity:
        params: dict[str, Any] = {"ExperimentName": name}
        if display_name:
            params["DisplayName"] = display_name
        if description is not None:
            params["Description"] = description
        if tags:
            params["Tags"] = _tag_list(tags)
        arn = self._call("create_experiment", **params)["ExperimentArn"]
        self.refs.invalidate(arn)
        return self.get(arn)

    def create_trial(
        self, name: str, experiment: Any, *, display_name: str | None = None, tags: dict | None = None
    ) -> Entity:
        params: dict[str, Any] = {
            "TrialName": name,
            "ExperimentName": name_of_arn(self.resolve(experiment, "experiment")),
        }
        if display_name:
            params["DisplayName"] = display_name
        if tags:
            params["Tags"] = _tag_list(tags)
        arn = self._call("create_trial", **params)["TrialArn"]
        self.refs.invalidate(arn)
        return self.get(arn)

    def create_trial_component(
        self,
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
        if display_name:
            params["DisplayName"] = display_name
        if status:
            params["Status"] = {"PrimaryStatus": status}
        if parameters:
            params["Parameters"] = {
                k: {"NumberValue": float(v)}
                if isinstance(v, (int, float)) and not isinstance(v, bool)
                else {"StringValue": str(v)}
                for k, v in parameters.items()
            }
        for key, value in (("InputArtifacts", input_artifacts), ("OutputArtifacts", output_artifacts)):
            if value:
                params[key] = {k: v if isinstance(v, dict) else {"Value": str(v)} for k, v in value.items()}
        if start_time is not None:
            params["StartTime"] = start_time
        if end_time is not None:
            params["EndTime"] = end_time
        if tags:
            params["Tags"] = _tag_list(tags)
        arn = self._call("create_trial_component", **params)["TrialComponentArn"]
        self.refs.invalidate(arn)
        return self.get(arn)

    def add_trial_component(self, trial: Any, trial_component: Any) -> None:
        """Put a trial component into a trial (AssociateTrialComponent)."""
        self._call(
            "associate_trial_component",
            TrialName=name_of_arn(self.resolve(trial, "trial")),
            TrialComponentName=name_of_arn(self.resolve(trial_component, "trial-component")),
        )

    # -- idempotent create ----------------------------------------------------------------
    def _existing_by_name(self, kind: str, name: str) -> Entity | None:
        op = "describe_context" if kind == "context" else "describe_action"
        param = "ContextName" if kind == "context" else "ActionName"
        try:
            return entity_from_describe(kind, self._call(op, **{param: name}))
        except ResourceNotFoundError:
            return None

    def find_artifact(self, source_uri: str, source_types: Any = None) -> Entity | None:
        """The artifact whose Source is exactly ``source_uri`` + ``source_types``, or None."""
        want = _source_types(source_types)
        for r in self._list_raw("artifact", {"SourceUri": source_uri}):
            src = r.get("Source") or {}
            if src.get("SourceUri") == source_uri and same_source_types(src.get("SourceTypes"), want):
                return entity_from_describe("artifact", r)
        return None

    def _ensure(self, kind: str, **kw: Any) -> tuple[Entity, bool]:
        """``(entity, created)``: the existing entity with this identity, else a new one."""
        for _ in range(3):
            if kind == "artifact":
                found = self.find_artifact(kw["source_uri"], kw.get("source_types"))
                if found is not None:
                    return self.get(found.arn), False
            else:
                found = self._existing_by_name(kind, kw["name"])
                if found is not None:
                    return found, False
            try:
                arn = self._create_raw(kind, **kw)
            except ServiceError as e:
                if e.code == "ValidationException" and "already exists" in str(e):
                    continue  # created meanwhile by someone else: read it back
                raise
            return self.get(arn), True
        raise LineageError(f"could not create or find the {kind} {kw.get('name') or kw.get('source_uri')!r}")

    def ensure_context(self, name: str, type: str, source_uri: str | None = None, **kw: Any) -> Entity:
        """The context named ``name`` if it exists, else a new one (same arguments as create_context)."""
        return self._ensure("context", name=name, type=type, source_uri=source_uri, **kw)[0]

    def ensure_action(self, name: str, type: str, source_uri: str | None = None, **kw: Any) -> Entity:
        """The action named ``name`` if it exists, else a new one (same arguments as create_action)."""
        return self._ensure("action", name=name, type=type, source_uri=source_uri, **kw)[0]

    def ensure_artifact(self, source_uri: str, type: str, name: str | None = None, **kw: Any) -> Entity:
        """The artifact with this Source (URI + source types) if it exists, else a new one."""
        return self._ensure("artifact", source_uri=source_uri, type=type, name=name, **kw)[0]

    # -- list ---------------------------------------------------------------------------------
    def list(
        self,
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
        """Entities of one kind (all pages, or the first ``limit``), with every filter the API has.

        ``list("associations", source=, destination=, type=, source_type=, destination_type=)``
        returns an :class:`AssociationList`."""
        k = normalize_kind(kind)
        params: dict[str, Any] = {}
        if created_after is not None:
            params["CreatedAfter"] = created_after
        if created_before is not None:
            params["CreatedBefore"] = created_before
        if sort_by:
            params["SortBy"] = _sort_value(k, sort_by)
        if sort_order:
            params["SortOrder"] = _order_value(sort_order)

        def unsupported(what: str) -> LineageError:
            return LineageError(f"{k} lists cannot be filtered by {what}")

        if k == "association":
            if source is not None:
                params["SourceArn"] = self.resolve(source)
            if destination is not None:
                params["DestinationArn"] = self.resolve(destination)
            if type:
                params["AssociationType"] = type
            if source_type:
                params["SourceType"] = source_type
            if destination_type:
                params["DestinationType"] = destination_type
            if source_uri or experiment or trial or trial_component:
                raise unsupported("source_uri/experiment/trial")
            rows, more = self._list_pages(k, params, limit)
            return AssociationList(
                [association_from_summary(r) for r in rows], **({"total": None} if more else {})
            )
        if source is not None or destination is not None or source_type or destination_type:
            raise unsupported("source/destination")
        if type:
            if k not in _TYPE_PARAM:
                raise unsupported("type")
            params[_TYPE_PARAM[k]] = type
        if source_uri:
            if k in _TYPE_PARAM:
                params["SourceUri"] = source_uri
            elif k == "trial-component":
                params["SourceArn"] = source_uri
            else:
                raise unsupported("source_uri")
        if experiment is not None:
            if k not in ("trial", "trial-component"):
                raise unsupported("experiment")
            params["ExperimentName"] = name_of_arn(self.resolve(experiment, "experiment"))
        if trial is not None:
            if k != "trial-component":
                raise unsupported("trial")
            params["TrialName"] = name_of_arn(self.resolve(trial, "trial"))
        if trial_component is not None:
            if k != "trial":
                raise unsupported("trial_component")
            params["TrialComponentName"] = name_of_arn(self.resolve(trial_component, "trial-component"))
        rows, more = self._list_pages(k, params, limit)
        items = [entity_from_describe(k, r) for r in rows]
        return EntityList(items, kind=f"{k}s", **({"total": None} if more else {}))

    # -- update -------------------------------------------------------------------------------
    def update(
        self,
        ref: Any,
        *,
        description: str | None = None,
        status: str | None = None,
        properties: dict | None = None,
        remove_properties: Any = None,
        name: str | None = None,
    ) -> Entity:
        """Update an entity. ``properties`` merge into the existing ones; ``remove_properties`` drops
        keys; ``status`` for actions and trial components; ``name`` renames an artifact."""
        current = self.get(ref)
        kind, arn = current.kind, current.arn
        removes = [remove_properties] if isinstance(remove_properties, str) else list(remove_properties or [])
        params: dict[str, Any] = {}
        if properties is not None or removes:
            merged = {**current.properties, **{k: str(v) for k, v in (properties or {}).items()}}
            for key in removes:
                merged.pop(key, None)
            if kind in ("context", "action", "artifact"):
                if properties is not None:
                    params["Properties"] = merged
                if removes:
                    params["PropertiesToRemove"] = removes
            elif kind == "trial-component":
                if properties is not None:
                    params["Parameters"] = {k: {"StringValue": v} for k, v in merged.items()}
                if removes:
                    params["ParametersToRemove"] = removes
            else:
                raise LineageError(f"a {kind} has no properties to update")
        if description is not None:
            if kind not in ("context", "action", "experiment"):
                raise LineageError(f"a {kind} has no description")
            params["Description"] = description
        if status is not None:
            if kind == "action":
                params["Status"] = status
            elif kind == "trial-component":
                params["Status"] = {"PrimaryStatus": status}
            else:
                raise LineageError(f"a {kind} has no status (actions and trial components do)")
        if name is not None:
            if kind != "artifact":
                raise LineageError(f"SageMaker cannot rename a {kind} (only artifacts can be renamed)")
            params["ArtifactName"] = name
        if not params:
            return current
        ident = {
            "context": ("update_context", "ContextName", current.name),
            "action": ("update_action", "ActionName", current.name),
            "artifact": ("update_artifact", "ArtifactArn", arn),
            "experiment": ("update_experiment", "ExperimentName", current.name),
            "trial": ("update_trial", "TrialName", current.name),
            "trial-component": ("update_trial_component", "TrialComponentName", current.name),
        }[kind]
        self._call(ident[0], **{ident[1]: ident[2]}, **params)
        self._forget(arn)
        return self.get(arn)

    # -- tags -----------------------------------------------------------------------------------
    def tags(self, ref: Any) -> dict[str, str]:
        """The entity's tags as a dict."""
        arn = self.resolve(ref)
        out: dict[str, str] = {}
        token = None
        while True:
            params: dict[str, Any] = {"ResourceArn": arn, "MaxResults": 100}
            if token:
                params["NextToken"] = token
            r = self._call("list_tags", **params)
            out.update({t["Key"]: t.get("Value", "") for t in r.get("Tags", [])})
            token = r.get("NextToken")
            if not token:
                return out

    def tag(self, ref: Any, **tags: Any) -> dict[str, str]:
        """Add or overwrite tags; returns all the entity's tags."""
        arn = self.resolve(ref)
        if tags:
            self._call("add_tags", ResourceArn=arn, Tags=_tag_list(tags))
        return self.tags(arn)

    def untag(self, ref: Any, *keys: str) -> None:
        """Remove tags by key."""
        if keys:
            self._call("delete_tags", ResourceArn=self.resolve(ref), TagKeys=list(keys))

    # -- associations ---------------------------------------------------------------------------
    def _add_association(self, src: str, dst: str, type: str | None, exist_ok: bool = True) -> bool:
        """Add ``src -> dst``; True when created, False when it already existed with this type."""
        params: dict[str, Any] = {"SourceArn": src, "DestinationArn": dst}
        if type:
            params["AssociationType"] = type
        try:
            self._call("add_association", **params)
            return True
        except ServiceError as e:
            if not (exist_ok and e.code == "ValidationException" and "already exists" in str(e)):
                raise
        existing = self._list_raw("association", {"SourceArn": src, "DestinationArn": dst})
        found = existing[0].get("AssociationType") if existing else None
        if existing and (type is None or found == type):
            return False
        raise ServiceError(
            f"AddAssociation failed: {name_of_arn(src)} -> {name_of_arn(dst)} already exists "
            f"with type {found}, not {type}",
            code="ValidationException",
            operation="AddAssociation",
        )

    def associate(
        self, source: Any, destination: Any, type: str | None = None, *, exist_ok: bool = True
    ) -> Association:
        """Link ``source -> destination``. ``type`` None: the type SageMaker uses between the two
        kinds. ``exist_ok``: an existing link of the same type is fine (a different type is an error)."""
        s_kind, src, _ = self.refs.resolve(source)
        d_kind, dst, _ = self.refs.resolve(destination)
        if type is None:
            type = default_association_type(s_kind, d_kind)
        self._add_association(src, dst, type, exist_ok)
        rows = self._list_raw("association", {"SourceArn": src, "DestinationArn": dst})
        if rows:
            return association_from_summary(rows[0])
        return Association(src, dst, type)

    def associations(self, ref: Any, direction: str = "both") -> AssociationList:
        """The entity's associations: ``in`` (it is the destination), ``out`` (the source), or both."""
        if direction not in ("both", "in", "out"):
            raise LineageError(f"direction is both, in or out, not {direction!r}")
        arn = self.resolve(ref)
        rows: list[dict] = []
        if direction in ("both", "out"):
            rows += self._list_raw("association", {"SourceArn": arn})
        if direction in ("both", "in"):
            rows += [
                r
                for r in self._list_raw("association", {"DestinationArn": arn})
                if not (direction == "both" and r["SourceArn"] == arn)
            ]
        return AssociationList([association_from_summary(r) for r in rows])

    def disassociate(self, source: Any, destination: Any) -> None:
        """Remove the association ``source -> destination``."""
        self._call(
            "delete_association", SourceArn=self.resolve(source), DestinationArn=self.resolve(destination)
        )

    # -- delete ----------------------------------------------------------------------------------
    def _delete_raw(self, kind: str, arn: str) -> bool:
        """Delete one entity; False when it was already gone."""
        op, param = _DELETE[kind]
        try:
            self._call(op, **{param: arn if param == "ArtifactArn" else name_of_arn(arn)})
            return True
        except ResourceNotFoundError:
            return False
        finally:
            self._forget(arn)

    def _remove_trial_component_raw(self, trial: str, trial_component: str) -> bool:
        """Take a trial component out of a trial (names); False when it was not in it."""
        try:
            self._call("disassociate_trial_component", TrialName=trial, TrialComponentName=trial_component)
            return True
        except ResourceNotFoundError:
            return False

    def _delete_association_raw(self, src: str, dst: str) -> bool:
        try:
            self._call("delete_association", SourceArn=src, DestinationArn=dst)
            return True
        except ResourceNotFoundError:
            return False

    def delete(self, ref: Any, cascade: bool = False, dry_run: bool = False, *, on_progress=None):
        """Delete an entity. ``cascade`` removes its associations first; ``dry_run`` returns the plan
        (a CleanupPlan) without deleting; otherwise a CleanupReport."""
        from .cleanup import delete

        return delete(self, ref, cascade=cascade, dry_run=dry_run, on_progress=on_progress)

    def plan_cleanup(self, context_ref: Any):
        """What ``cleanup`` would delete: the context, its members nothing outside it uses, and all
        their associations."""
        from .cleanup import plan_cleanup

        return plan_cleanup(self, context_ref)

    def cleanup(self, context_ref: Any, dry_run: bool = False, *, on_progress=None):
        """Delete a context, its unshared members and all their associations (see ``plan_cleanup``).
        Safe to re-run after an interruption. Returns the plan on ``dry_run``, else a CleanupReport."""
        from .cleanup import cleanup

        return cleanup(self, context_ref, dry_run=dry_run, on_progress=on_progress)

    # -- graph operations --------------------------------------------------------------------------
    def trace(
        self,
        ref: Any,
        direction: str = "both",
        depth: int = 3,
        types: Any = None,
        lineage_types: Any = None,
        max_vertices: int | None = None,
    ):
        """The lineage graph around ``ref`` (every QueryLineage page; depth > 10 continues from the
        frontier; names and types filled in; ``truncated`` when ``max_vertices`` cut it)."""
        from .trace import trace

        return trace(
            self,
            ref,
            direction=direction,
            depth=depth,
            types=types,
            lineage_types=lineage_types,
            max_vertices=max_vertices,
        )

    def context_graph(self, context_ref: Any, *, properties: bool = True):
        """The context, its members (what it links to) and the associations among them."""
        from .trace import context_graph

        return context_graph(self, context_ref, properties=properties)

    def apply(self, spec, *, prune: bool = False, dry_run: bool = False):
        """Make the store match a WorkflowSpec (the ``%%lineage context`` cell); idempotent."""
        from .apply import apply

        return apply(self, spec, prune=prune, dry_run=dry_run)

    def impact(self, ref: Any, depth: int = 10):
        """Everything downstream of ``ref``, grouped by lineage type and type, with paths."""
        from .impact import impact

        return impact(self, ref, depth=depth)

    def diff(self, a: Any, b: Any):
        """Compare two lineages (context refs or LineageGraphs)."""
        from .diff import diff

        return diff(self, a, b)

    def copy(self, to: Any, ref: Any = None, depth: int = 10, *, bulk: bool | None = None):
        """Copy the graph around ``ref`` (or the whole store) to another backend, idempotently.
        Into a local store rows go in one bulk transaction (``bulk=False``: through the API)."""
        from .copy import copy

        return copy(self, to, ref=ref, depth=depth, bulk=bulk)

    def import_graph(self, source: Any, *, bulk: bool | None = None):
        """Recreate a JSON export (a file path, JSON text, or a LineageGraph) here, idempotently:
        into a local store in one transaction, elsewhere through the API. Returns a CopyReport."""
        from .importing import import_graph

        return import_graph(self, source, bulk=bulk)

    # -- usage -------------------------------------------------------------------------------------
    def counts(self) -> dict[str, tuple[int, int | None]]:
        """Manual-entity usage against SageMaker's limits: ``{"contexts": (used, 500), ...}``.

        A local store answers from its own counters; elsewhere the entities are listed and counted
        (the API cannot tell manual entities from those SageMaker created)."""
        from .copy import local_service_of

        service = local_service_of(self.sagemaker)
        if service is not None:
            got = service.counts()
            return {k: (int(got[k][0]), got[k][1]) for k in LIMITS if k in got}
        return {kind: (len(self._list_raw(kind, {})), limit) for kind, limit in LIMITS.items()}


__all__ = ["LineageClient", "ResourceNotFoundError", "KINDS"]
