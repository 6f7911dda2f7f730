"""Api: the one call boundary between lineage_magics and a boto3 SageMaker client.

Every SageMaker call of the package goes through :meth:`Api.call`, which owns:

- **the retry policy** (the only retry layer; see docs/architecture.md "Retries"): a throttled call
  (ThrottlingException and kin) is retried with capped exponential back-off and full jitter until
  ``retry_budget`` seconds have passed since its first refusal; a server error (InternalFailure,
  ServiceUnavailable, ...) is retried the same way, ``retry_attempts`` calls in all. This layer
  retries exactly when nothing under it does: clients that a LineageClient builds from a URL have
  botocore's retries turned off (``connect(url, retries=False)``), an in-process store bypasses
  botocore's retry handler, and a boto3 client handed in with ``total_max_attempts=1`` retries
  nothing; a boto3 client handed in with botocore's retries on keeps them, and this layer then
  retries nothing. Either way a call is sent at most as often as one policy allows.
- **error mapping**: botocore errors leave as one-line :mod:`lineage_magics.errors` exceptions;
- **paging** of List* calls (and ``summaries_of``: List* pages read only while they are cheaper than
  describing what they have not yet shown, ``skim``), **fan-out** over a bounded thread pool, and the
  per-client **caches** (resolved refs, what is known of artifacts: ``KnownArtifacts``, interrupted
  clean-up plans).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

from . import sagemaker as sm
from .connect import local_service
from .errors import map_error

T = TypeVar("T")
R = TypeVar("R")

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
FRESH_FOR = 60.0  # seconds an artifact's name and properties are trusted before they are checked
CREATED_SLACK = timedelta(milliseconds=1)  # a CreatedAfter/CreatedBefore window's margin

# retried a bounded number of times
SERVER_ERROR_CODES = frozenset({"InternalFailure", "InternalServerError", "ServiceUnavailable"})


class Api:
    """One SageMaker client, its retry policy, paging, fan-out and caches (module docstring)."""

    retry_attempts = 5  # calls in all for a server error
    retry_base = 0.05  # seconds before the first retry, doubling
    retry_cap = 2.0  # longest pause between two calls
    retry_budget = 60.0  # seconds a throttled call keeps being retried
    trace_via_api = False  # True: traces of an in-process store page QueryLineage as against SageMaker

    def __init__(
        self,
        sagemaker: Any,
        *,
        url: str | None = None,
        max_workers: int = 4,
        progress: bool = True,
    ):
        self.sagemaker = sagemaker
        self.url = url
        self.service = local_service(sagemaker)  # the in-process store, if there is one
        self.retries = self.service is not None or not botocore_retries(sagemaker)
        self.max_workers = max(1, int(max_workers))
        self.progress = progress
        self.lock = threading.Lock()
        self.resolved: dict[tuple[str, str | None], tuple[str, str]] = {}  # (ref, kind) -> (kind, ARN)
        self.artifacts = KnownArtifacts()
        self.pending_cleanups: dict[str, Any] = {}  # target ARN -> the plan an interrupted run left

    @property
    def endpoint(self) -> str | None:
        return getattr(getattr(self.sagemaker, "meta", None), "endpoint_url", None)

    @property
    def in_process(self) -> bool:
        """Whether calls are answered in this process (one at a time: threads would only take turns)."""
        return self.service is not None

    # -- calls ---------------------------------------------------------------------------------------
    def call(self, operation: str, **params: Any) -> dict:
        """``sagemaker.<operation>(**params)`` under the retry policy; botocore errors mapped."""
        from botocore import exceptions as bx

        method = getattr(self.sagemaker, operation)
        attempt = server_errors = 0
        deadline = None
        while True:
            try:
                return method(**params)
            except bx.ClientError as e:
                code = e.response.get("Error", {}).get("Code")
                retried_by_botocore = e.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
                retry = False
                if self.retries:
                    delay = random.uniform(0, min(self.retry_cap, self.retry_base * 2 ** min(attempt, 32)))
                    if code in THROTTLING_CODES:
                        now = time.monotonic()
                        deadline = now + self.retry_budget if deadline is None else deadline
                        retry = now + delay <= deadline
                    elif code in SERVER_ERROR_CODES:
                        server_errors += 1
                        retry = server_errors < self.retry_attempts
                if not retry:
                    error = map_error(e, operation)
                    # A create refused as "already exists" after a retried server error may be our own
                    # first attempt, committed before the error: crud.create reads it back.
                    error.after_server_error = bool(server_errors or retried_by_botocore)
                    raise error from e
                time.sleep(delay)
                attempt += 1
            except bx.BotoCoreError as e:
                raise map_error(e, operation) from e

    def pages(self, kind: str, params: dict, limit: int | None = None) -> tuple[list[dict], bool]:
        """Summaries of a List* call for ``kind`` (or ``association``), every page 100 at a time, or
        the first ``limit``: ``(summaries, more)``, ``more`` true when ``limit`` stopped early."""
        what = sm.listing(kind)
        out: list[dict] = []
        token = None
        while True:
            call = dict(params, MaxResults=100 if limit is None else max(1, min(100, limit - len(out))))
            if token:
                call["NextToken"] = token
            r = self.call(what.op("list"), **call)
            out.extend(r.get(what.summaries, []))
            token = r.get("NextToken")
            if limit is not None and len(out) >= limit:
                return out[:limit], bool(token) or len(out) > limit
            if not token:
                return out, False

    def page_iter(self, kind: str, params: dict) -> Iterator[list[dict]]:
        """The pages of a List* call for ``kind``, 100 summaries each, every one fetched when asked for."""
        what = sm.listing(kind)
        token = None
        while True:
            call = dict(params, MaxResults=100)
            if token:
                call["NextToken"] = token
            r = self.call(what.op("list"), **call)
            yield r.get(what.summaries, [])
            token = r.get("NextToken")
            if not token:
                return

    def summaries_of(
        self,
        kind: str,
        wanted: Mapping[str, str | None],
        also: Container[str] = (),
        created: Mapping[str, datetime] | None = None,
    ) -> dict[str, dict]:
        """List* summaries of the entities ``wanted`` (ARN -> type), from the listing of each type
        read only while that is cheaper than describing what it has not yet shown (``skim``): the
        caller describes the rest, and those of no known type. The types are listed concurrently.
        Summaries of ARNs in ``also`` on the pages read are returned too (they cost nothing more).
        ``created`` (ARN -> CreationTime, when known of every wanted entity of a type) narrows that
        type's listing to the span of their creation times (CreatedAfter/CreatedBefore)."""
        k = sm.kind(kind)
        if k.type_member is None:
            return {}
        groups: dict[str, set[str]] = {}
        for arn, type_ in wanted.items():
            if type_:
                groups.setdefault(type_, set()).add(arn)

        def listed(group: tuple[str, set[str]]) -> dict[str, dict]:
            type_, arns = group
            params = {k.type_member: type_}
            times = [(created or {}).get(a) for a in arns]
            if times and all(times):  # inclusive bounds, widened by a millisecond against rounding
                params["CreatedAfter"] = min(times) - CREATED_SLACK
                params["CreatedBefore"] = max(times) + CREATED_SLACK
            return skim(self.page_iter(kind, params), arns, k.arn_member, also)

        found: dict[str, dict] = {}
        for part in self.fan_out(listed, list(groups.items())):
            found.update(part)
        return found

    def list_all(self, kind: str, params: dict | None = None, limit: int | None = None) -> list[dict]:
        """Every summary of a List* call (or the first ``limit``)."""
        return self.pages(kind, params or {}, limit)[0]

    def describe(self, kind: str, ref: str) -> dict:
        """The Describe* response for an ARN (or a name, for kinds described by name)."""
        k = sm.kind(kind)
        ident = ref if k.ident_takes_arn or not sm.is_arn(ref) else sm.name_of_arn(ref)
        return self.call(k.op("describe"), **{k.ident: ident})

    def associations_of(self, arn: str) -> list[dict]:
        """Every association with ``arn`` at either end (each once)."""
        out = self.list_all("association", {"SourceArn": arn})
        return out + [
            r for r in self.list_all("association", {"DestinationArn": arn}) if r["SourceArn"] != arn
        ]

    # -- fan-out ---------------------------------------------------------------------------------------
    def fan_out(self, func: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``[func(x) for x in items]``, over ``max_workers`` threads when that can help (never for an
        in-process store, where calls take turns)."""
        items = list(items)
        pool = self.pool(len(items))
        if pool is None:
            return [func(x) for x in items]
        with pool:
            return list(pool.map(func, items))

    def pool(self, size: int) -> ThreadPoolExecutor | None:
        """A thread pool for ``size`` concurrent calls, or None where they would only take turns."""
        if size < 2 or self.max_workers < 2 or self.in_process:
            return None
        return ThreadPoolExecutor(max_workers=min(self.max_workers, size))

    # -- caches ----------------------------------------------------------------------------------------
    def forget(self, arn: str | None = None) -> None:
        """Drop what the caches know of ``arn`` (everything when None)."""
        with self.lock:
            if arn is None:
                self.resolved.clear()
                self.artifacts.forget()
                return
            for key in [k for k, v in self.resolved.items() if v[1] == arn]:
                del self.resolved[key]
            self.artifacts.forget(arn)

    def __repr__(self) -> str:
        return f"<Api {self.url or self.endpoint}>"


class KnownArtifacts:
    """What a session has read of artifacts, by ARN: ``name``, ``type``, ``source_uri``,
    ``source_types``, ``modified`` (LastModifiedTime) and, when a describe gave them, ``properties``.

    Type and source never change (UpdateArtifact cannot change them), so they are never read twice.
    Name and properties can: an entry is *fresh* for ``fresh_for`` seconds after it was read or
    checked, and older entries are checked again by comparing ``modified`` with a listing's
    (``ops.trace``: ListArtifacts pages where cheaper than a describe each). Callers hold the Api's
    lock."""

    def __init__(self, fresh_for: float = FRESH_FOR, clock: Callable[[], float] = time.monotonic):
        self.fresh_for = float(fresh_for)
        self.clock = clock
        self.entries: dict[str, dict] = {}
        self.checked: dict[str, float] = {}  # ARN -> clock reading when last read or checked

    def get(self, arn: str) -> dict | None:
        """What is known of ``arn``, however old."""
        return self.entries.get(arn)

    def fresh(self, arn: str, properties: bool = False) -> dict | None:
        """What is known of ``arn`` if it was read or checked within ``fresh_for`` seconds (and, with
        ``properties``, holds them)."""
        info = self.entries.get(arn)
        if info is None or (properties and "properties" not in info):
            return None
        return info if self.clock() - self.checked[arn] < self.fresh_for else None

    def stale(self) -> set[str]:
        """The ARNs known but not fresh."""
        now = self.clock()
        return {a for a, at in self.checked.items() if now - at >= self.fresh_for}

    def put(self, arn: str, info: dict) -> None:
        """Record what was just read of ``arn`` (a listing's entry keeps the properties a describe
        gave before only when ``modified`` shows no change since)."""
        old = self.entries.get(arn)
        if (
            "properties" not in info
            and old
            and "properties" in old
            and info.get("modified") is not None
            and old.get("modified") == info["modified"]
        ):
            info = dict(info, properties=old["properties"])
        self.entries[arn] = info
        self.checked[arn] = self.clock()

    def forget(self, arn: str | None = None) -> None:
        """Drop ``arn`` (everything when None)."""
        if arn is None:
            self.entries.clear()
            self.checked.clear()
        else:
            self.entries.pop(arn, None)
            self.checked.pop(arn, None)

    def __contains__(self, arn: object) -> bool:
        return arn in self.entries

    def __len__(self) -> int:
        return len(self.entries)


def skim(
    pages: Iterator[list[dict]], wanted: set[str], key: str = "Arn", also: Container[str] = ()
) -> dict[str, dict]:
    """The summaries (``key``: their ARN member) of the ``wanted`` ARNs found in ``pages``, a page read
    only while more wanted ARNs are still unfound than pages have been read (and at least two: one
    describe is never dearer than one page); and of ARNs in ``also`` on the pages read.

    Reading k pages and describing the r(k) still unfound costs k + r(k) calls, and no mix (any
    number j of pages, then describes) costs less than half that: stopping at the first k with
    r(k) <= max(k, 1) means every j < k left r(j) >= k, and every j >= k costs at least k, while
    k + r(k) <= 2k; if the pages run out first (k pages, r left), every mix costs at least
    max(k, r). So the calls are never more than twice those of the better choice in hindsight (list
    everything, describe everything, or any mix), the same game as renting or buying skis."""
    remaining = set(wanted)
    found: dict[str, dict] = {}
    read = 0
    while len(remaining) > max(read, 1):
        page = next(pages, None)
        if page is None:
            break
        read += 1
        for summary in page:
            arn = summary.get(key)
            if arn in remaining:
                remaining.discard(arn)
                found[arn] = summary
            elif arn in also:
                found[arn] = summary
    close = getattr(pages, "close", None)
    if close is not None:
        close()
    return found


def botocore_retries(client: Any) -> bool:
    """Whether botocore retries this client's calls itself (its default when nothing is configured)."""
    config = getattr(getattr(client, "meta", None), "config", None)
    retries = getattr(config, "retries", None) or {}
    total = retries.get("total_max_attempts")
    if total is None and "max_attempts" in retries:
        total = retries["max_attempts"] + 1
    return total is None or total > 1
