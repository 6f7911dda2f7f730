"""trace(): QueryLineage with every page followed, depth beyond 10 continued from the frontier,
vertex names and types filled in with as few calls as possible."""

from __future__ import annotations

import gc
import heapq
from bisect import bisect_right
from collections import deque
from contextlib import contextmanager
from functools import partial
from itertools import chain
from operator import itemgetter
from typing import Any

from .. import crud
from ..api import Api
from ..entities import entity_from_describe
from ..errors import LineageError, NotFoundError
from ..graph import Edge, LazyVertex, LineageGraph, Vertex, breadth_first, set_details
from ..refs import resolve
from ..sagemaker import LINEAGE_TYPE, lineage_type_of, name_of_arn

DIRECTIONS = {
    "both": "Both",
    "up": "Ascendants",
    "upstream": "Ascendants",
    "ascendants": "Ascendants",
    "down": "Descendants",
    "downstream": "Descendants",
    "descendants": "Descendants",
}
WINDOW = 10  # QueryLineage's MaxDepth limit
PAGE = 50  # QueryLineage's MaxResults limit
_LINEAGE_TYPE_ALIASES = {
    "context": "Context",
    "action": "Action",
    "artifact": "Artifact",
    "trialcomponent": "TrialComponent",
    "trial-component": "TrialComponent",
    "trial_component": "TrialComponent",
}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _lineage_types(value: Any) -> list[str]:
    out = []
    for v in _as_list(value):
        key = v.lower().replace("_", "-")
        lt = _LINEAGE_TYPE_ALIASES.get(key[:-1] if key.endswith("s") else key)
        if lt is None:
            raise LineageError(f"unknown lineage type {v!r}: use Context, Action, Artifact or TrialComponent")
        out.append(lt)
    return out


def query_all(
    api: Api, start: str, direction: str, depth: int, filters: dict | None = None
) -> tuple[list[dict], list[dict]]:
    """One QueryLineage walk from ``start``, every page: ``(vertices, edges)`` as the service gives them."""
    vertices: list[dict] = []
    edges: list[dict] = []
    token = None
    while True:
        params: dict[str, Any] = {
            "StartArns": [start],
            "Direction": direction,
            "IncludeEdges": True,
            "MaxDepth": depth,
            "MaxResults": PAGE,
        }
        if filters:
            params["Filters"] = filters
        if token:
            params["NextToken"] = token
        r = api.call("query_lineage", **params)
        vertices.extend(r.get("Vertices", []))
        edges.extend(r.get("Edges", []))
        token = r.get("NextToken")
        if not token:
            return vertices, edges


def _depths(start: str, edges: dict[tuple[str, str], str | None], direction: str) -> dict[str, int]:
    """Shortest association count from ``start`` to each vertex, following the walk's direction."""
    adj: dict[str, list[str]] = {}
    for src, dst in edges:
        if direction in ("Descendants", "Both"):
            adj.setdefault(src, []).append(dst)
        if direction in ("Ascendants", "Both"):
            adj.setdefault(dst, []).append(src)
    reached = breadth_first([(start, None)], lambda v, _: ((w, None) for w in adj.get(v, ())))
    return {v: hops for v, (hops, _) in reached.items()}


def _walk(
    api: Api, start: str, direction: str, depth: int, filters: dict | None
) -> tuple[dict[str, dict], dict[tuple[str, str], str | None], dict[str, int]]:
    """Vertices (ARN -> QueryLineage vertex, in discovery order), edges and depths of a walk of any
    depth, in windows of at most 10 hops.

    A walk from q with window w returns every association of the vertices fewer than w hops from
    q: those vertices are *expanded*. Each round continues only from the unexpanded vertices
    nearest the start (all nearer ones are expanded, so their depths are exact), and skips those
    whose whole window earlier walks of the round already expanded (a subset of the plain frontier
    restart's walks). Every vertex within ``depth`` is expanded or returned once the rounds end, so
    the vertices, edges and depths are those of one walk."""
    seen: dict[str, dict] = {}
    edges: dict[tuple[str, str], str | None] = {}
    forward = direction in ("Descendants", "Both")
    backward = direction in ("Ascendants", "Both")
    adj: dict[str, list[str]] = {}
    depths = {start: 0}
    expanded: set[str] = set()
    heap = [(0, start)]  # (depth, arn) of vertices that may still need a walk; stale entries skipped
    workers = 1 if api.in_process else api.max_workers
    pool = None  # started by the first round with more than one walk to make

    def relax(sources: list[str]) -> None:
        queue = deque(sources)
        while queue:
            v = queue.popleft()
            d = depths[v] + 1
            for w in adj.get(v, ()):
                if d < depths.get(w, d + 1):
                    depths[w] = d
                    heapq.heappush(heap, (d, w))
                    queue.append(w)

    def absorb(q: str, window: int, result: tuple[list[dict], list[dict]]) -> None:
        for v in result[0]:
            seen.setdefault(v["Arn"], v)
        walked: dict[tuple[str, str], None] = {}
        changed = []
        for e in result[1]:
            key = (e["SourceArn"], e["DestinationArn"])
            walked[key] = None
            if key in edges:
                continue
            edges[key] = e.get("AssociationType")
            for a, b, on in ((key[0], key[1], forward), (key[1], key[0], backward)):
                if on:
                    adj.setdefault(a, []).append(b)
                    if a in depths and depths[a] + 1 < depths.get(b, depths[a] + 2):
                        depths[b] = depths[a] + 1
                        heapq.heappush(heap, (depths[b], b))
                        changed.append(b)
        relax(changed)
        expanded.update(v for v, d in _depths(q, walked, direction).items() if d < window)

    def covered(a: str, window: int) -> bool:
        """Whether ``a`` and every vertex fewer than ``window`` hops from it are already expanded: a
        walk from it would only repeat ground covered by earlier walks of this round."""
        if a not in expanded:
            return False
        ring, reached = [a], {a}
        for _ in range(window - 1):
            ring = [w for v in ring for w in adj.get(v, ()) if w not in reached]
            for w in ring:
                if w not in expanded:
                    return False
                reached.add(w)
        return True

    try:
        while heap:
            low, arn = heap[0]
            if low >= depth:
                break
            starts: dict[str, None] = {}
            while heap and heap[0][0] == low:
                _, arn = heapq.heappop(heap)
                if arn not in expanded and depths.get(arn) == low:
                    starts[arn] = None
            window = min(WINDOW, depth - low)
            fetch = partial(query_all, api, direction=direction, depth=window, filters=filters)
            todo = deque(starts)
            if pool is None and len(starts) > 1:
                pool = api.pool(workers)
            inflight: deque = deque()  # at most `workers` walks at once, checked just before they start
            while todo or inflight:
                while todo and len(inflight) < workers:
                    arn = todo.popleft()
                    if not covered(arn, window):
                        inflight.append((arn, pool.submit(fetch, arn) if pool is not None else None))
                if inflight:
                    arn, future = inflight.popleft()
                    absorb(arn, window, future.result() if future is not None else fetch(arn))
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return seen, edges, depths


def artifact_details(api: Api, arns: list[str], *, refresh: bool = False) -> dict[str, dict]:
    """Name, type, source URI and properties of artifacts: what the Api read of them within
    ``fresh_for`` seconds, else (older entries first checked in bulk where cheaper: ``_check``) one
    DescribeArtifact each, fanned out over ``max_workers`` threads. ``refresh`` describes them all."""
    checked = set() if refresh else _check(api, arns)
    with api.lock:
        missing = [
            a
            for a in dict.fromkeys(arns)
            if refresh or (a not in checked and api.artifacts.fresh(a, properties=True) is None)
        ]
    _describe(api, missing)
    with api.lock:
        return {a: api.artifacts.get(a) for a in arns if a in api.artifacts}


def artifact_names(api: Api, types: dict[str, str | None]) -> dict[str, dict]:
    """Name, type and source URI of artifacts (``types``: ARN -> type, as QueryLineage gives it), for
    what shows names but no properties: what the Api read within ``fresh_for`` seconds as it is;
    the rest from ListArtifacts pages of their types while those are cheaper than a describe each
    (``Api.summaries_of``: never more than about twice the calls of the better choice), the others
    described (with their properties). An entry from a listing keeps earlier properties only when
    its LastModifiedTime is unchanged."""
    with api.lock:
        missing = {a: t or (api.artifacts.get(a) or {}).get("type") for a, t in types.items()}
        missing = {a: t for a, t in missing.items() if api.artifacts.fresh(a) is None}
    listed = _listed(api, missing)
    _describe(api, [a for a in missing if a not in listed])
    with api.lock:
        return {a: api.artifacts.get(a) for a in types if a in api.artifacts}


def _check(api: Api, arns: list[str]) -> set[str]:
    """The cheap check of the properties the Api read more than ``fresh_for`` seconds ago:
    ListArtifacts pages of their types within the span of their creation times, read while cheaper
    than a describe each. Returns the ARNs whose LastModifiedTime is unchanged (their properties
    stand); a changed one keeps its new name."""
    with api.lock:
        stale = {
            a: info
            for a in dict.fromkeys(arns)
            if (info := api.artifacts.get(a)) is not None
            and "properties" in info
            and api.artifacts.fresh(a) is None
        }
    if not stale:
        return set()
    types = {a: info["type"] for a, info in stale.items()}
    listed = _listed(api, types, created={a: info.get("created") for a, info in stale.items()})
    with api.lock:
        return {a for a in listed if a in stale and "properties" in (api.artifacts.get(a) or {})}


def _listed(api: Api, wanted: dict[str, str | None], created: dict | None = None) -> dict[str, dict]:
    """The ListArtifacts summaries of ``wanted`` (ARN -> type) that ``Api.summaries_of`` finds,
    recorded in the Api, with those of any other artifact it knows but not freshly on the same pages
    (checked for free)."""
    with api.lock:
        stale = api.artifacts.stale()
    listed = api.summaries_of("artifact", wanted, also=stale, created=created)
    with api.lock:
        for arn, summary in listed.items():
            api.artifacts.put(arn, _info(entity_from_describe("artifact", summary), properties=False))
    return listed


def _describe(api: Api, arns: list[str]) -> None:
    """One DescribeArtifact per ARN (fanned out), recorded in the Api; a deleted artifact forgotten."""

    def describe(arn: str) -> tuple[str, dict | None]:
        try:
            return arn, _info(
                entity_from_describe("artifact", api.call("describe_artifact", ArtifactArn=arn))
            )
        except NotFoundError:
            return arn, None

    results = api.fan_out(describe, arns)
    with api.lock:
        for arn, info in results:
            if info is None:
                api.artifacts.forget(arn)
            else:
                api.artifacts.put(arn, info)


def _info(e, properties: bool = True) -> dict:
    """What the Api keeps of an artifact (``properties`` only when a describe gave them)."""
    info = {
        "name": e.name,
        "type": e.type,
        "source_uri": e.source_uri,
        "source_types": list(e.source_types),
        "created": e.created,
        "modified": e.modified,
    }
    if properties:
        info["properties"] = dict(e.properties)
    return info


def _fetch_described(api: Api, vertices: list, properties: bool = True) -> None:
    """A LazyVertex's fetch over the API: DescribeArtifact each (cached in the Api, fanned out); for
    names alone (``properties`` false) ListArtifacts pages where they are cheaper (``artifact_names``)."""
    if properties:
        infos = artifact_details(api, [v.arn for v in vertices])
    else:
        infos = artifact_names(api, {v.arn: v.type for v in vertices})
    for v in vertices:
        info = infos.get(v.arn) or {}
        if "properties" in info or not info:
            props = dict(info.get("properties") or {})
            set_details(v, name=info.get("name"), source_uri=info.get("source_uri"), properties=props)
        else:
            set_details(v, complete=False, name=info.get("name"), source_uri=info.get("source_uri"))


def _fetch_stored(service: Any, vertices: list, properties: bool = True) -> None:
    """A LazyVertex's fetch from an in-process store: the properties, in one read (the name and
    source URI came with the walk)."""
    found = service.properties([v.arn for v in vertices])
    for v in vertices:
        set_details(v, properties=found.get(v.arn, {}))


def _vertex(arn: str, qv: dict | None, depth: int | None, artifacts: dict[str, dict]) -> Vertex:
    lt = (qv or {}).get("LineageType") or lineage_type_of(arn)
    vtype = (qv or {}).get("Type")
    if lt == "Artifact":
        info = artifacts.get(arn, {})
        return Vertex(
            arn,
            lt,
            vtype or info.get("type"),
            info.get("name"),
            info.get("source_uri"),
            dict(info.get("properties") or {}),
            depth,
        )
    return Vertex(arn, lt, vtype, name_of_arn(arn), None, {}, depth)


def _arrange(start: str, walked: list[str], depths: dict[str, int]) -> list[str]:
    """The trace's vertex order: the start, then by depth; within the first window (depth 10 and
    less) in QueryLineage's walk order (``walked``, which both paths have), deeper by ARN. (The
    windowed API walk and the store's single walk discover deeper vertices in different orders;
    ARN order is one both can give, cheaply.)"""
    levels: dict[int, list[str]] = {}
    for a in walked:
        d = depths.get(a)
        if d is not None and a != start:
            levels.setdefault(d, []).append(a)
    order = [start] if start in depths else []
    for d in sorted(levels):
        level = levels[d]
        if d > WINDOW:
            level.sort()
        order.extend(level)
    return order


def _edge_order(arns: list[str], edges: list[tuple], deep: bool, complete: bool = False) -> list[tuple]:
    """The edges among ``arns`` (in trace order; ``(source, destination, type)`` tuples or Edges,
    returned as they are), by the trace position of the later end: as QueryLineage orders them
    (ties in walk order) within 10 hops; for ``deep`` traces (the API path's windows and the
    store's walk meet edges in different orders) ties by the earlier end, the edge from the earlier
    end first. ``complete``: every edge's ends are known to be among ``arns``."""
    pos = dict(zip(arns, range(len(arns)), strict=True))
    if not complete and not all(
        map(pos.__contains__, chain(map(itemgetter(0), edges), map(itemgetter(1), edges)))
    ):
        edges = [e for e in edges if e[0] in pos and e[1] in pos]
    if deep:
        # One number per edge: (later end, earlier end, whether the source is the later end),
        # looked up in one pass (the look-ups, not the sort, are what a large trace's order costs).
        size = 2 * len(arns)
        keys = [
            b * size + a * 2 if a < b else a * size + b * 2 + 1
            for source, destination, _ in edges
            for a in (pos[source],)
            for b in (pos[destination],)
        ]
    else:
        sources = map(pos.__getitem__, map(itemgetter(0), edges))
        destinations = map(pos.__getitem__, map(itemgetter(1), edges))
        keys = list(map(max, sources, destinations))
    return list(map(edges.__getitem__, sorted(range(len(edges)), key=keys.__getitem__)))


_as_edge = partial(tuple.__new__, Edge)  # an Edge from a (source, destination, type) tuple


def _options(direction: str, depth: Any, types: Any, lineage_types: Any) -> tuple[str, int, dict, list, list]:
    try:
        qdir = DIRECTIONS[str(direction).lower()]
    except KeyError:
        raise LineageError(f"direction is up, down or both, not {direction!r}") from None
    depth = int(depth)
    if depth < 0:
        raise LineageError(f"depth must be 0 or more, not {depth}")
    filters: dict[str, Any] = {}
    type_list = _as_list(types)
    lt_list = _lineage_types(lineage_types)
    if type_list:
        filters["Types"] = type_list
    if lt_list:
        filters["LineageTypes"] = lt_list
    return qdir, depth, filters, type_list, lt_list


def local_store(api: Api, via_api: bool | None = None) -> Any:
    """The in-process store a trace may read in one call, or None: none when ``via_api`` (or the
    Api's ``trace_via_api``) asks for the SageMaker API path, or when the store is set to behave
    like a remote one (latency, throttling or errors injected: those are answered by the API)."""
    service = api.service
    if service is None or (api.trace_via_api if via_api is None else via_api):
        return None
    if service.latency or service.throttle_rate or service.error_rate:
        return None
    return service


def trace(
    api: Api,
    ref: Any,
    direction: str = "both",
    depth: int = 3,
    types: Any = None,
    lineage_types: Any = None,
    max_vertices: int | None = None,
    *,
    via_api: bool | None = None,
) -> LineageGraph:
    """See :meth:`LineageClient.trace`. Against an in-process store the walk is one call to it
    (``Service.trace``, docs/architecture.md), unless ``via_api`` (or ``api.trace_via_api``) asks
    for QueryLineage pages and DescribeArtifact calls, as against SageMaker: the same graph."""
    qdir, depth, filters, type_list, lt_list = _options(direction, depth, types, lineage_types)
    kind, start, entity = resolve(api, ref)
    if LINEAGE_TYPE.get(kind) is None:
        raise LineageError(f"a {kind} is not part of the lineage graph; trace a context, action or artifact")
    service = local_store(api, via_api) if depth > 0 else None
    if service is not None:
        return _trace_local(service, start, qdir, depth, type_list, lt_list, max_vertices)

    # Filters select returned vertices; a walk beyond one window needs the unfiltered frontier, so
    # the filter is then applied here instead of by the service.
    server_filters = filters if depth <= WINDOW else None
    if depth == 0:
        seen, edges, depths = {}, {}, {start: 0}
    else:
        seen, edges, depths = _walk(api, start, qdir, depth, server_filters)

    def keep(arn: str, qv: dict | None) -> bool:  # the service returns the entities on the paths too
        if not filters:
            return True
        qv = qv or {}
        lt = qv.get("LineageType") or lineage_type_of(arn)
        return (not type_list or qv.get("Type") in type_list) and (not lt_list or lt in lt_list)

    if depth == 0:
        arns = [] if filters else [start]
    else:
        arrangement = _arrange(start, list(seen), depths)
        arns = [a for a in arrangement if a in seen and keep(a, seen[a]) and depths[a] <= depth]
    total = len(arns)
    truncated = max_vertices is not None and total > max_vertices
    if truncated:
        arns = arns[: max(0, int(max_vertices))]

    # Artifacts are described when their details are first read (what is shown, listed or exported:
    # LazyVertex), unless this Api read them within ``fresh_for`` seconds; of older entries only the
    # source (which never changes) is taken as known. An artifact QueryLineage gave no type now.
    fetch = partial(_fetch_described, api)
    with api.lock:
        known = {a: api.artifacts.get(a) for a in arns if lineage_type_of(a) == "Artifact"}
    untyped = [a for a, info in known.items() if info is None and not (seen.get(a) or {}).get("Type")]
    known.update(artifact_details(api, untyped) if untyped else {})
    with api.lock:
        fresh = {a: api.artifacts.fresh(a) for a in known}
    described = {a: i for a, i in fresh.items() if i and "properties" in i}
    vertices = []
    for arn in arns:
        qv = seen.get(arn)
        if qv is None and arn == start:
            qv = _start_vertex(api, kind, start, entity)
        if arn in known and arn not in described:  # to describe, to check, or named by a listing
            info = known[arn] or {}
            details = {"source_uri": info["source_uri"]} if info else {}
            if fresh[arn]:
                details["name"] = info["name"]
            vtype = (qv or {}).get("Type") or info.get("type")
            vertices.append(LazyVertex(arn, "Artifact", vtype, depths.get(arn), fetch, **details))
        else:
            vertices.append(_vertex(arn, qv, depths.get(arn), described))
    graph_edges = _edge_order(arns, [(s, d, t) for (s, d), t in edges.items()], depth > WINDOW)
    graph_edges = list(map(_as_edge, graph_edges))
    return _graph(vertices, graph_edges, start, truncated, total, qdir, depth)


def _graph(vertices, edges, start, truncated, total, qdir, depth) -> LineageGraph:
    label = vertices[0].label if vertices and vertices[0].arn == start else name_of_arn(start)
    return LineageGraph.of_unique(
        vertices,
        edges,
        start,
        truncated=truncated,
        total_vertices=total,
        direction={"Both": "both", "Ascendants": "up", "Descendants": "down"}[qdir],
        depth=depth,
        name=label,
    )


def _trace_local(
    service: Any,
    start: str,
    qdir: str,
    depth: int,
    type_list: list[str],
    lt_list: list[str],
    max_vertices: int | None,
) -> LineageGraph:
    """``trace`` read from an in-process store in one call: the graph the API path builds. When
    the graph keeps every vertex, and so every edge, the store makes the edges as Edges at once
    (``Service.trace``'s ``edge_type``); otherwise only the edges kept are made Edges here."""
    whole = max_vertices is None and not (type_list or lt_list)
    with _collector_paused():
        r = service.trace(start, qdir, depth, edge_type=Edge if whole else tuple)
        return _local_graph(r, service, start, qdir, depth, type_list, lt_list, max_vertices)


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a large graph is built: the objects it makes
    hold no cycles, and collections triggered by their sheer number would take most of the time.
    They are then moved to the oldest generation at once (``gc.freeze`` + ``gc.unfreeze``, which
    traverse nothing): the first young collection after the build would otherwise go through every
    one of them (a third of a 148,000-vertex trace's time), only to promote them there anyway. Skipped
    when the program froze objects itself (``gc.get_freeze_count()``): unfreezing would undo that."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _local_graph(r, service, start, qdir, depth, type_list, lt_list, max_vertices) -> LineageGraph:
    rows = list(r["vertices"])  # the store's walk: the start, then by depth (a copy: reordered here)
    levels = list(map(itemgetter(5), rows))
    low = bisect_right(levels, WINDOW)
    while low < len(rows):  # beyond the first window, each level by ARN (_arrange)
        high = bisect_right(levels, levels[low], low)
        rows[low:high] = sorted(rows[low:high], key=itemgetter(0))
        low = high
    total = len(rows)
    if type_list or lt_list:
        rows = [
            row
            for row in rows
            if (not type_list or row[2] in type_list) and (not lt_list or row[1] in lt_list)
        ]
    complete = len(rows) == total
    total = len(rows)
    truncated = max_vertices is not None and total > max_vertices
    if truncated:
        rows = rows[: max(0, int(max_vertices))]
        complete = False
    arns = list(map(itemgetter(0), rows))
    fetch = partial(_fetch_stored, service)  # properties, read when first needed (LazyVertex)
    # Contexts, actions and trial components are named by their ARNs, as QueryLineage's vertices
    # are (name_of_arn; a lineage ARN's resource always has a "/", and nothing before it does).
    vertices = [
        LazyVertex(arn, lt, vtype, d, fetch, name, uri)
        if lt == "Artifact"
        else Vertex(arn, lt, vtype, arn.partition("/")[2], None, {}, d)
        for arn, lt, vtype, name, uri, d in rows
    ]
    edges = _edge_order(arns, r["edges"], depth > WINDOW, complete)
    if r["edges"] and type(r["edges"][0]) is not Edge:  # plain tuples (see _trace_local)
        edges = list(map(_as_edge, edges))
    return _graph(vertices, edges, start, truncated, total, qdir, depth)


def _start_vertex(api: Api, kind: str, arn: str, entity) -> dict:
    """The start's Type when the walk did not return it (one Describe at most; artifacts cached)."""
    if kind == "artifact":
        return {"Arn": arn, "LineageType": "Artifact"}
    if entity is None:
        try:
            entity = crud.get(api, arn)
        except NotFoundError:
            raise NotFoundError(f"no {kind} {arn}") from None
    return {"Arn": arn, "LineageType": LINEAGE_TYPE[kind], "Type": entity.type}


def context_graph(api: Api, context_ref: Any, *, properties: bool = True) -> LineageGraph:
    """The context, the entities it links to (its members) and the associations among them.

    One ListAssociations per member (fanned out); with ``properties`` each member is described
    (fresh) so its properties are in the graph."""
    ctx = crud.get(api, context_ref, "context")
    if ctx.kind != "context":
        raise LineageError(f"{ctx.label!r} is a {ctx.kind}, not a context")
    out = api.list_all("association", {"SourceArn": ctx.arn})
    members = {r["DestinationArn"]: r for r in out}
    graph = LineageGraph(start=ctx.arn, direction="down", depth=1, name=ctx.name)
    graph.add_vertex(Vertex(ctx.arn, "Context", ctx.type, ctx.name, ctx.source_uri, dict(ctx.properties), 0))

    def outgoing(arn: str) -> list[dict]:
        return api.list_all("association", {"SourceArn": arn})

    arns = list(members)
    member_edges = dict(zip(arns, api.fan_out(outgoing, arns), strict=True))
    artifacts = artifact_details(
        api, [a for a in arns if lineage_type_of(a) == "Artifact"], refresh=properties
    )
    described: dict[str, Any] = {}
    if properties:
        others = [a for a in arns if lineage_type_of(a) in ("Context", "Action", "TrialComponent")]

        def describe(arn: str):
            try:
                return arn, crud.get(api, arn)
            except NotFoundError:
                return arn, None

        described = dict(api.fan_out(describe, others))
    for arn, summary in members.items():
        lt = lineage_type_of(arn)
        if lt == "Artifact":
            v = _vertex(arn, {"LineageType": lt, "Type": summary.get("DestinationType")}, 1, artifacts)
        else:
            e = described.get(arn)
            v = Vertex(
                arn,
                lt,
                (e.type if e else None) or summary.get("DestinationType"),
                summary.get("DestinationName") or name_of_arn(arn),
                e.source_uri if e else None,
                dict(e.properties) if e else {},
                1,
            )
        graph.add_vertex(v)
    for r in out:
        graph.add_edge(Edge(r["SourceArn"], r["DestinationArn"], r.get("AssociationType")))
    for arn in arns:
        for r in member_edges[arn]:
            if r["DestinationArn"] in graph:
                graph.add_edge(Edge(r["SourceArn"], r["DestinationArn"], r.get("AssociationType")))
    return graph


__all__ = ["trace", "context_graph", "query_all", "artifact_details", "artifact_names"]
