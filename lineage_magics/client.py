"""LineageClient: the public façade. Each method delegates to :mod:`.crud` or an :mod:`.ops` module,
passing the client's :class:`~.api.Api` (the one call boundary: retries, errors, paging, caches)."""

from __future__ import annotations

from typing import Any

from . import crud
from .api import Api
from .entities import Association, AssociationList, Entity, EntityList
from .errors import LineageError, ResourceNotFoundError, map_error
from .ops import apply as apply_ops
from .ops import cleanup as cleanup_ops
from .ops import diff as diff_ops
from .ops import impact as impact_ops
from .ops import runs as runs_ops
from .ops import trace as trace_ops
from .ops import transfer
from .refs import resolve

__all__ = ["LineageClient", "ResourceNotFoundError"]


class LineageClient:
    """The lineage API over a boto3 SageMaker client, a URL (see ``lineage_magics.connect``), or None
    (``LINEAGE_MAGICS_URL``, else the default local store). Retries: :class:`~.api.Api`.

    ``fresh_for``: seconds the names and properties of artifacts a trace read over the API are
    trusted before the next trace checks them again (by LastModifiedTime; 0 checks every time)."""

    def __init__(
        self,
        client_or_url: Any = None,
        *,
        progress: bool = True,
        max_workers: int = 4,
        retry_base: float | None = None,
        retry_budget: float | None = None,
        fresh_for: float | None = None,
    ):
        if isinstance(client_or_url, LineageClient):
            other = client_or_url.api
            self.api = Api(other.sagemaker, url=other.url, max_workers=max_workers,
                           progress=progress)  # fmt: skip
            for name in ("retry_attempts", "retry_base", "retry_cap", "retry_budget"):
                setattr(self.api, name, getattr(other, name))
            self.api.artifacts.fresh_for = other.artifacts.fresh_for
        elif client_or_url is None or isinstance(client_or_url, str):
            from .connect import connect

            try:
                sagemaker = connect(client_or_url, retries=False)
            except ValueError as e:
                raise LineageError(str(e)) from e
            except Exception as e:
                mapped = map_error(e, "connect")
                if mapped is None:
                    raise
                raise mapped from e
            self.api = Api(sagemaker, url=client_or_url, max_workers=max_workers, progress=progress)
        else:  # the user's boto3 client (its own botocore retries, if any, stay: see Api)
            self.api = Api(client_or_url, max_workers=max_workers, progress=progress)
        if retry_base is not None:
            self.api.retry_base = float(retry_base)
        if retry_budget is not None:
            self.api.retry_budget = float(retry_budget)
        if fresh_for is not None:
            self.fresh_for = fresh_for

    # -- settings, all kept by the Api -------------------------------------------------------------
    @property
    def sagemaker(self):
        """The boto3 SageMaker client every call goes through."""
        return self.api.sagemaker

    @property
    def url(self) -> str | None:
        return self.api.url

    @property
    def progress(self) -> bool:
        return self.api.progress

    @progress.setter
    def progress(self, value: bool) -> None:
        self.api.progress = bool(value)

    @property
    def fresh_for(self) -> float:
        """Seconds what a trace read of an artifact is trusted before it is checked again."""
        return self.api.artifacts.fresh_for

    @fresh_for.setter
    def fresh_for(self, value: float) -> None:
        if not value >= 0:
            raise LineageError(f"fresh_for must be 0 or more seconds, not {value!r}")
        self.api.artifacts.fresh_for = float(value)

    @property
    def max_workers(self) -> int:
        return self.api.max_workers

    @max_workers.setter
    def max_workers(self, value: int) -> None:
        self.api.max_workers = max(1, int(value))

    def __repr__(self) -> str:
        return f"<LineageClient {self.api.url or self.api.endpoint}>"

    # -- refs and reading ---------------------------------------------------------------------------
    def resolve(self, ref: Any, kind: str | None = None) -> str:
        """The ARN of a ref (ARN, name, artifact name or source URI, Entity)."""
        return resolve(self.api, ref, kind)[1]

    def kind_of(self, ref: Any) -> str:
        return resolve(self.api, ref)[0]

    def get(self, ref: Any, kind: str | None = None) -> Entity:
        """The entity a ref names, freshly described."""
        return crud.get(self.api, ref, kind)

    def find_artifact(self, source_uri: str, source_types: Any = None) -> Entity | None:
        """The artifact whose Source is exactly ``source_uri`` + ``source_types``, or None."""
        return crud.find_artifact(self.api, source_uri, source_types)

    def list(self, kind: str, **filters: Any) -> EntityList | AssociationList:
        """Entities of one kind (all pages, or the first ``limit``), with every filter the API has:
        ``type``, ``source_uri``, ``created_after``, ``created_before``, ``sort_by``, ``sort_order``,
        ``limit``, ``experiment``, ``trial``, ``trial_component``. ``list("associations", source=,
        destination=, type=, source_type=, destination_type=)`` returns an :class:`AssociationList`."""
        return crud.list_entities(self.api, kind, **filters)

    def runs(
        self,
        experiment: str | None = None,
        filters: list[dict] | None = None,
        *,
        sort_by: str = "CreationTime",
        order: str = "Ascending",
        limit: int | None = None,
    ) -> tuple[list[dict], bool]:
        """Runs (trial components) found by Search, of ``experiment`` when given: ``(records, more)``.
        ``filters`` are Search Filters (``{"Name": "Parameters.lr", "Operator": "GreaterThan", ...}``)."""
        return runs_ops.find_runs(self.api, experiment, filters or [], sort_by, order, limit)

    # -- creating -----------------------------------------------------------------------------------
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
        arn = crud.create(self.api, "context", name=name, type=type, source_uri=source_uri,
                          description=description, properties=properties, tags=tags)  # fmt: skip
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
        arn = crud.create(self.api, "action", name=name, type=type, source_uri=source_uri, status=status,
                          description=description, properties=properties, tags=tags)  # fmt: skip
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
        arn = crud.create(self.api, "artifact", source_uri=source_uri, type=type, name=name,
                          source_types=source_types, properties=properties, tags=tags)  # fmt: skip
        return self.get(arn)

    def create_experiment(self, name: str, **kw: Any) -> Entity:
        """Create an experiment (``display_name``, ``description``, ``tags``)."""
        return crud.create_experiment(self.api, name, **kw)

    def create_trial(self, name: str, experiment: Any, **kw: Any) -> Entity:
        """Create a trial in an experiment (``display_name``, ``tags``)."""
        return crud.create_trial(self.api, name, experiment, **kw)

    def create_trial_component(self, name: str, **kw: Any) -> Entity:
        """Create a trial component (``display_name``, ``status``, ``parameters`` (numbers stay numbers),
        ``input_artifacts`` / ``output_artifacts`` as ``{name: uri}``, ``start_time``, ``end_time``, ``tags``)."""
        return crud.create_trial_component(self.api, name, **kw)

    def add_trial_component(self, trial: Any, trial_component: Any) -> None:
        """Put a trial component into a trial (AssociateTrialComponent)."""
        crud.add_trial_component(self.api, trial, trial_component)

    def ensure_context(self, name: str, type: str, source_uri: str | None = None, **kw: Any) -> Entity:
        """The context named ``name`` if it exists, else a new one (same arguments as create_context)."""
        return crud.ensure(self.api, "context", name=name, type=type, source_uri=source_uri, **kw)[0]

    def ensure_action(self, name: str, type: str, source_uri: str | None = None, **kw: Any) -> Entity:
        """The action named ``name`` if it exists, else a new one (same arguments as create_action)."""
        return crud.ensure(self.api, "action", name=name, type=type, source_uri=source_uri, **kw)[0]

    def ensure_artifact(self, source_uri: str, type: str, name: str | None = None, **kw: Any) -> Entity:
        """The artifact with this Source (URI + source types) if it exists, else a new one."""
        return crud.ensure(self.api, "artifact", source_uri=source_uri, type=type, name=name, **kw)[0]

    # -- updating and tags ----------------------------------------------------------------------------
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
        """Update an entity. ``properties`` merge into the existing ones (a trial component's numbers
        stay numbers); ``remove_properties`` drops keys; ``status`` for actions and trial components;
        ``name`` renames an artifact."""
        return crud.update(self.api, ref, description=description, status=status, properties=properties,
                           remove_properties=remove_properties, name=name)  # fmt: skip

    def tags(self, ref: Any) -> dict[str, str]:
        """The entity's tags as a dict."""
        return crud.tags(self.api, ref)

    def tag(self, ref: Any, **tags: Any) -> dict[str, str]:
        """Add or overwrite tags; returns all the entity's tags."""
        return crud.tag(self.api, ref, **tags)

    def untag(self, ref: Any, *keys: str) -> None:
        """Remove tags by key."""
        crud.untag(self.api, ref, *keys)

    # -- associations -----------------------------------------------------------------------------------
    def associate(
        self, source: Any, destination: Any, type: str | None = None, *, exist_ok: bool = True
    ) -> Association:
        """Link ``source -> destination``. ``type`` None: the type SageMaker uses between the two
        kinds. ``exist_ok``: an existing link of the same type is fine (a different type is an error)."""
        return crud.associate(self.api, source, destination, type, exist_ok=exist_ok)

    def associations(self, ref: Any, direction: str = "both") -> AssociationList:
        """The entity's associations: ``in`` (it is the destination), ``out`` (the source), or both."""
        return crud.associations(self.api, ref, direction)

    def disassociate(self, source: Any, destination: Any) -> None:
        """Remove the association ``source -> destination``."""
        crud.disassociate(self.api, source, destination)

    # -- deleting -------------------------------------------------------------------------------------------
    def delete(self, ref: Any, cascade: bool = False, dry_run: bool = False, *, on_progress=None):
        """Delete an entity. ``cascade`` removes its associations first; ``dry_run`` returns the plan
        (a CleanupPlan) without deleting; otherwise a CleanupReport."""
        return cleanup_ops.delete(self.api, ref, cascade=cascade, dry_run=dry_run, on_progress=on_progress)

    def plan_cleanup(self, context_ref: Any):
        """What ``cleanup`` would delete: the context, its members nothing outside it uses, and all
        their associations."""
        return cleanup_ops.plan_cleanup(self.api, context_ref)

    def cleanup(self, context_ref: Any, dry_run: bool = False, *, on_progress=None):
        """Delete a context, its unshared members and all their associations (see ``plan_cleanup``).
        Safe to re-run after an interruption. Returns the plan on ``dry_run``, else a CleanupReport."""
        return cleanup_ops.cleanup(self.api, context_ref, dry_run=dry_run, on_progress=on_progress)

    # -- graph operations -------------------------------------------------------------------------------------
    def trace(
        self,
        ref: Any,
        direction: str = "both",
        depth: int = 3,
        types: Any = None,
        lineage_types: Any = None,
        max_vertices: int | None = None,
    ):
        """The lineage graph around ``ref``; ``truncated`` when ``max_vertices`` cut it. On an
        in-process store one walk of the store; otherwise every QueryLineage page (depth > 10
        continues from the frontier), and an artifact's name, source and properties are read when
        first shown, listed or exported (remembered for ``fresh_for`` seconds)."""
        return trace_ops.trace(self.api, ref, direction=direction, depth=depth, types=types,
                               lineage_types=lineage_types, max_vertices=max_vertices)  # fmt: skip

    def context_graph(self, context_ref: Any, *, properties: bool = True):
        """The context, its members (what it links to) and the associations among them."""
        return trace_ops.context_graph(self.api, context_ref, properties=properties)

    def apply(self, spec, *, prune: bool = False, dry_run: bool = False):
        """Make the store match a WorkflowSpec (the ``%%lineage context`` cell); idempotent."""
        return apply_ops.apply(self.api, spec, prune=prune, dry_run=dry_run)

    def impact(self, ref: Any, depth: int = 10):
        """Everything downstream of ``ref``, grouped by lineage type and type, with paths."""
        return impact_ops.impact(self.api, ref, depth=depth)

    def diff(self, a: Any, b: Any):
        """Compare two lineages (context refs or LineageGraphs)."""
        return diff_ops.diff(self.api, a, b)

    def copy(self, to: Any, ref: Any = None, depth: int = 10, *, bulk: bool | None = None):
        """Copy the graph around ``ref`` (or the whole store) to another backend (a LineageClient, a
        URL or a boto3 client), idempotently. Into a local store rows go in one bulk transaction
        (``bulk=False``: through the API)."""
        target = to if isinstance(to, LineageClient) else LineageClient(to, progress=self.progress,
                                                                         max_workers=self.max_workers)  # fmt: skip
        return transfer.copy(self.api, target.api, ref=ref, depth=depth, bulk=bulk)

    def import_graph(self, source: Any, *, bulk: bool | None = None):
        """Recreate a JSON export (a file path, JSON text, or a LineageGraph) here, idempotently:
        into a local store in one transaction, elsewhere through the API. Returns a CopyReport."""
        return transfer.import_graph(self.api, source, bulk=bulk)

    # -- usage ----------------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, tuple[int, int | None]]:
        """Manual-entity usage against SageMaker's limits: ``{"contexts": (used, 500), ...}``."""
        return crud.counts(self.api)
