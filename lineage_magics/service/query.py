"""QueryLineage: a breadth-first walk, one hop at a time, with indexed ``IN (...)`` queries.

- ``Descendants`` follows associations source -> destination, ``Ascendants`` the reverse, ``Both``
  walks them undirected from every visited vertex (so siblings through shared ancestors appear).
- ``MaxDepth`` (default 10, at most 10) counts associations from the start vertex.
- Filters choose which visited vertices are returned, never which are walked. The start vertex is
  returned too when it passes the filters.
- Vertices come in walk order (by depth, then creation order); with ``IncludeEdges`` every
  association walked is returned. A page holds at most ``MaxResults`` (default 50, at most 50)
  vertices and the edges whose later-walked end comes no later than the page's last vertex (the
  last page takes all the rest), so a walk of V vertices takes ceil(V / MaxResults) pages.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections import OrderedDict
from itertools import accumulate, chain, filterfalse, repeat
from operator import itemgetter

from .common import LINEAGE_TYPE, Txn, decode_token, encode_token
from .errors import not_found, validation

CHUNK = 500
_BUCKETS = (1, 4, 16, 64, 128, 256, CHUNK)
DEFAULT_DEPTH = 10
DEFAULT_PAGE = 50


def _padded(ids: list[int]):
    """Chunks of at most 500 ids, padded to a few fixed sizes so SQLite reuses prepared statements."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        size = next(b for b in _BUCKETS if b >= len(chunk))
        yield size, chunk + [0] * (size - len(chunk))


_SQL_CACHE: dict[tuple[str, int], str] = {}


def _sql(template: str, size: int) -> str:
    key = (template, size)
    sql = _SQL_CACHE.get(key)
    if sql is None:
        sql = _SQL_CACHE[key] = template.replace("(?)", "(" + ",".join("?" * size) + ")")
    return sql


_OUT = "SELECT src, dst, type FROM edge WHERE src IN (?)"
_IN = "SELECT src, dst, type FROM edge WHERE dst IN (?)"


ADJACENCY_AFTER = 20_000  # edges one walk reads through SQLite before it loads the graph into memory


class GraphCache:
    """The graph in memory for large traces, valid for one store version only.

    Associations as ``(src, dst, type, src ARN, dst ARN)`` rows sorted by source and by destination
    with an offset index (one sorted scan each, about 0.2 s and 40 MB per 300k associations), and the vertices'
    lean rows by id (one scan of the entity table). Each part is loaded on first use."""

    def __init__(self):
        self.tables: dict[bool, tuple[list, dict]] = {}
        self.heads: dict[int, tuple] | None = None
        self.arns: dict[int, str] = {}

    def table(self, conn, outgoing: bool) -> tuple[list, dict]:
        """``(rows, {vertex id: slice of rows})``: the associations leaving (or entering) each vertex as
        ``(src, dst, type, source ARN, destination ARN)``."""
        found = self.tables.get(outgoing)
        if found is None:
            column = "src" if outgoing else "dst"
            arn = self.vertices(conn)[1]
            rows = [  # with both ends' ARNs, so a trace's edges need no look-ups
                (src, dst, kind, arn[src], arn[dst])
                for src, dst, kind in conn.execute(f"SELECT src, dst, type FROM edge ORDER BY {column}")  # noqa: S608
            ]
            counts = conn.execute(
                f"SELECT {column}, count(*) FROM edge GROUP BY {column} ORDER BY {column}"  # noqa: S608
            ).fetchall()
            ends = list(accumulate(map(itemgetter(1), counts)))
            found = self.tables[outgoing] = (
                rows,
                dict(zip(map(itemgetter(0), counts), map(slice, [0, *ends], ends), strict=True)),
            )
        return found

    def vertices(self, conn) -> tuple[dict[int, tuple], dict[int, str]]:
        """Every entity as ``{id: (arn, lineage type, type, name, source uri)}`` and ``{id: arn}``."""
        if self.heads is None:
            lineage = LINEAGE_TYPE.get
            heads, arns = {}, {}
            for i, kind, arn, vtype, name, uri in conn.execute(_HEADS):
                heads[i] = (arn, lineage(kind), vtype, name, uri)
                arns[i] = arn
            self.heads, self.arns = heads, arns
        return self.heads, self.arns


def walk(
    conn,
    start: int,
    direction: str,
    max_depth: int | None,
    want_edges: bool,
    max_vertices: int | None = None,
    graph=None,
):
    """Breadth-first reachability from ``start``.

    Returns ``(order, depth, edges, truncated)``: vertex ids in walk order, their depths, the
    walked edges as ``(src, dst, type)`` rows (with two ARNs more from a ``GraphCache``), each once (empty unless ``want_edges``), and
    whether ``max_vertices`` cut the walk short. ``max_depth=None`` walks to the end. ``graph``:
    ``graph(build)`` returns this snapshot's ``GraphCache`` if one is cached (or, with
    ``build=True``, a new one). The walk uses a cached one from the start and builds one once it
    has read more than ``ADJACENCY_AFTER`` edges through SQLite: the same answer, faster.
    """
    depth = {start: 0}
    order = [start]
    edges: list = []
    walked: set | None = set() if direction == "Both" and want_edges else None  # seen from both ends
    frontier = [start]
    level = 0
    templates = {"Descendants": (_OUT,), "Ascendants": (_IN,), "Both": (_OUT, _IN)}[direction]
    truncated = False
    read = 0
    memory = graph(False) if graph is not None else None
    while frontier and (max_depth is None or level < max_depth):
        level += 1
        if memory is None and graph is not None and read > ADJACENCY_AFTER:
            memory = graph(True)
            arn = memory.vertices(conn)[1]  # the edges walked so far, in the cache's row shape
            edges = [(src, dst, kind, arn[src], arn[dst]) for src, dst, kind in edges]
            walked = set(edges) if walked is not None else None
        reached: set = set()
        for template in templates:
            outgoing = template is _OUT
            if memory is not None:
                rows, index = memory.table(conn, outgoing)
                batch = list(
                    chain.from_iterable(map(rows.__getitem__, filter(None, map(index.get, frontier))))
                )
            else:
                batch = []
                for size, chunk in _padded(frontier):
                    batch += conn.execute(_sql(template, size), chunk).fetchall()
            read += len(batch)
            if want_edges:
                if walked is None:
                    edges += batch
                else:
                    fresh = [row for row in batch if row not in walked]
                    walked.update(fresh)
                    edges += fresh
            reached.update(map(itemgetter(1 if outgoing else 0), batch))
        found = sorted(filterfalse(depth.__contains__, reached))
        depth.update(zip(found, repeat(level)))
        if max_vertices is not None and len(order) + len(found) > max_vertices:
            found = found[: max(0, max_vertices - len(order))]
            truncated = True
        order.extend(found)
        frontier = found
        if truncated:
            break
    return order, depth, edges, truncated


_VERTEX = "SELECT id, kind, arn, type, name, source_uri, created, modified, doc FROM entity WHERE id IN (?)"
_VERTEX_LEAN = "SELECT id, kind, arn, type, name, source_uri, NULL, NULL, NULL FROM entity WHERE id IN (?)"
_HEADS = "SELECT id, kind, arn, type, name, source_uri FROM entity"
_FILTERS_ON_ROWS = ("CreatedBefore", "CreatedAfter", "ModifiedBefore", "ModifiedAfter", "Properties")


def vertex_rows(conn, ids: list[int], full: bool = True) -> dict[int, tuple]:
    """Entity rows ``(id, kind, arn, type, name, source_uri, created, modified, doc)`` by id; with
    ``full=False`` the last three are None (when no filter or property needs them: about a quarter
    faster). Ids are looked up in sorted order, so neighbouring B-tree pages stay cached."""
    sql = _VERTEX if full else _VERTEX_LEAN
    rows: dict[int, tuple] = {}
    for size, chunk in _padded(sorted(ids)):
        for row in conn.execute(_sql(sql, size), chunk):
            rows[row[0]] = row
    return rows


_PROPERTIES = "SELECT id, json_extract(doc, '$.Properties') FROM entity WHERE id IN (?)"


def properties_of(conn, ids: list[int]) -> dict[int, str | None]:
    """The Properties of entities by id, as JSON text (None when they have none)."""
    out: dict[int, str | None] = {}
    for size, chunk in _padded(sorted(ids)):
        out.update(conn.execute(_sql(_PROPERTIES, size), chunk))
    return out


def _matches(row, filters: dict) -> bool:
    _, kind, _, vtype, _, _, created, modified, doc = row
    if filters.get("Types") and vtype not in filters["Types"]:
        return False
    if filters.get("LineageTypes") and LINEAGE_TYPE.get(kind) not in filters["LineageTypes"]:
        return False
    if filters.get("CreatedBefore") is not None and created > float(filters["CreatedBefore"]):
        return False
    if filters.get("CreatedAfter") is not None and created < float(filters["CreatedAfter"]):
        return False
    if filters.get("ModifiedBefore") is not None and modified > float(filters["ModifiedBefore"]):
        return False
    if filters.get("ModifiedAfter") is not None and modified < float(filters["ModifiedAfter"]):
        return False
    if filters.get("Properties"):
        properties = json.loads(doc).get("Properties") or {}
        if not any(properties.get(k) == v for k, v in filters["Properties"].items()):
            return False
    return True


def _vertex(row) -> dict:
    out = {"Arn": row[2]}
    if row[3] is not None:
        out["Type"] = row[3]
    lineage_type = LINEAGE_TYPE.get(row[1])
    if lineage_type:
        out["LineageType"] = lineage_type
    return out


def _request_key(p: dict) -> str:
    scope = {k: v for k, v in p.items() if k not in ("NextToken", "MaxResults")}
    return hashlib.sha1(
        json.dumps(scope, sort_keys=True, default=str).encode(), usedforsecurity=False
    ).hexdigest()


def _answer(t: Txn, p: dict) -> tuple[list, list, list, list]:
    """Every vertex and edge the query returns (unpaged): ``(vertices, their walk positions, edges,
    their keys)``. An edge's key is the walk position of its later-walked end; edges are sorted by it."""
    starts = p.get("StartArns") or []
    if len(starts) != 1:
        raise validation("QueryLineage needs exactly one ARN in StartArns.")
    start = t.find_arn(starts[0])
    if start is None:
        raise not_found(f"Resource '{starts[0]}' does not exist.")
    max_depth = p.get("MaxDepth", DEFAULT_DEPTH)
    include_edges = bool(p.get("IncludeEdges", False))
    direction = p.get("Direction", "Both")
    order, depth, edges, _ = walk(t.conn, start.id, direction, max_depth, include_edges)
    needed = set(order)
    for src, dst, _ in edges:
        needed.add(src)
        needed.add(dst)
    filters = p.get("Filters") or {}
    full = any(filters.get(k) not in (None, {}, []) for k in _FILTERS_ON_ROWS)
    rows = vertex_rows(t.conn, list(needed), full=full)
    matched = {i for i in order if _matches(rows[i], filters)}
    if include_edges and len(matched) < len(order):
        # "the Associations and lineage entities on the path": what lies on a shortest walk from the
        # start to a matched entity is returned too, with the edges among what is returned
        matched |= _on_paths(matched, depth, edges, direction)
        edges = [e for e in edges if e[0] in matched and e[1] in matched]
    kept = [(n, i) for n, i in enumerate(order) if i in matched]
    vertices = [_vertex(rows[i]) for _, i in kept]
    positions = [n for n, _ in kept]
    position = {i: n for n, i in enumerate(order)}
    last = len(order)
    keyed = []
    for src, dst, kind in edges:
        edge = {"SourceArn": rows[src][2], "DestinationArn": rows[dst][2]}
        if kind is not None:
            edge["AssociationType"] = kind
        keyed.append((max(position.get(src, last), position.get(dst, last)), edge))
    keyed.sort(key=itemgetter(0))
    return vertices, positions, [e for _, e in keyed], [k for k, _ in keyed]


def _on_paths(targets: set, depth: dict, edges: list, direction: str) -> set:
    """The vertices on a shortest walk from the start (depth 0) to any of ``targets``, targets included."""
    parents: dict = {}
    for src, dst, _ in edges:
        if direction != "Ascendants" and depth.get(dst) == depth.get(src, -2) + 1:
            parents.setdefault(dst, []).append(src)
        if direction != "Descendants" and depth.get(src) == depth.get(dst, -2) + 1:
            parents.setdefault(src, []).append(dst)
    found = {v for v in targets if v in depth}
    stack = list(found)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


def query_lineage(t: Txn, p: dict) -> dict:
    if p.get("MaxDepth") is not None and p["MaxDepth"] < 0:
        raise validation(
            f"1 validation error detected: Value '{p['MaxDepth']}' at 'maxDepth' failed to satisfy "
            "constraint: Member must have value greater than or equal to 0"
        )
    if p.get("MaxResults") is not None and p["MaxResults"] < 1:
        raise validation(
            f"1 validation error detected: Value '{p['MaxResults']}' at 'maxResults' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    page = p.get("MaxResults") or DEFAULT_PAGE
    key = _request_key(p)
    offset = 0
    if p.get("NextToken"):
        payload = decode_token(p["NextToken"], "QueryLineage")
        if len(payload) != 2 or payload[0] != key or not isinstance(payload[1], int) or payload[1] < 0:
            raise validation("Invalid pagination token: the NextToken was not issued for this request.")
        offset = payload[1]
    vertices, positions, edges, edge_keys = t.settings.query_cache(key, lambda: _answer(t, p))
    more = offset + page < len(vertices)
    low = bisect_right(edge_keys, positions[offset - 1]) if 0 < offset <= len(positions) else 0
    high = bisect_right(edge_keys, positions[offset + page - 1]) if more else len(edges)
    out: dict = {"Vertices": vertices[offset : offset + page], "Edges": edges[low:high]}
    if more:
        out["NextToken"] = encode_token(["QueryLineage", key, offset + page])
    return out


class QueryCache:
    """The last few QueryLineage answers, valid while the store is unchanged (pages read O(1))."""

    def __init__(self, size: int = 8):
        self.size = size
        self.entries: OrderedDict = OrderedDict()

    def get(self, version, key: str, compute):
        entry = self.entries.get(key)
        if entry is not None and entry[0] == version:
            self.entries.move_to_end(key)
            return entry[1]
        value = compute()
        self.entries[key] = (version, value)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value


HANDLERS = {"QueryLineage": (query_lineage, False)}
