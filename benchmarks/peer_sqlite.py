"""The floor: plain stdlib sqlite3 with a Python frontier BFS (peers.md §9), driven as a JSON worker.

Tables node(id, kind, type, name, uri, props) and edge(src, dst, type), indexed on (src, dst) and
(dst, src), WAL. Traces hydrate the full node rows and edge types, as our store and MLMD do.
Usage: python peer_sqlite.py '{"op": "load" | "trace" | "write", "db": PATH, "n": N, ...}'
"""

from __future__ import annotations

import json
import sqlite3
import sys

from graphgen import make_graph
from timing import emit, measure, once, parse_args

SCHEMA = """
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS node(id INTEGER PRIMARY KEY, kind TEXT, type TEXT, name TEXT, uri TEXT, props TEXT);
CREATE TABLE IF NOT EXISTS edge(src INTEGER, dst INTEGER, type TEXT);
CREATE INDEX IF NOT EXISTS edge_src_dst ON edge(src, dst);
CREATE INDEX IF NOT EXISTS edge_dst_src ON edge(dst, src);
"""


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(SCHEMA)
    return conn


def artifact_id(i: int) -> int:
    return 2 * i + 1


def action_id(i: int) -> int:
    return 2 * i + 2


def node_id(kind: str, i: int) -> int:
    return artifact_id(i) if kind == "artifact" else action_id(i)


def load(conn: sqlite3.Connection, n: int) -> int:
    g = make_graph(n)
    nodes = []
    for i in range(n):
        props = json.dumps(g.artifact_properties(i))
        nodes.append(
            (artifact_id(i), "artifact", g.artifact_type(i), g.artifact_name(i), g.artifact_uri(i), props)
        )
        nodes.append((action_id(i), "action", g.action_type(i), g.action_name(i), None, "{}"))
    edges = [(node_id(sk, si), node_id(dk, di), t) for sk, si, dk, di, t in g.edges()]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO node VALUES (?, ?, ?, ?, ?, ?)", nodes)
    conn.executemany("INSERT INTO edge VALUES (?, ?, ?)", edges)
    conn.execute("COMMIT")
    return len(nodes) + len(edges)


_UP = "SELECT src, dst, type FROM edge WHERE dst IN (SELECT value FROM json_each(?))"
_DOWN = "SELECT src, dst, type FROM edge WHERE src IN (SELECT value FROM json_each(?))"
_NODES = "SELECT id, kind, type, name, uri, props FROM node WHERE id IN (SELECT value FROM json_each(?))"


def trace(conn: sqlite3.Connection, start: int, direction: str, hops: int) -> dict:
    """Frontier BFS, one indexed query per hop and direction, then one bulk hydration query."""
    seen = {start}
    frontier = [start]
    edges = set()
    for _ in range(hops):
        if not frontier:
            break
        arg = json.dumps(frontier)
        nxt = []
        if direction in ("up", "both"):
            for src, dst, typ in conn.execute(_UP, (arg,)):
                edges.add((src, dst, typ))
                if src not in seen:
                    seen.add(src)
                    nxt.append(src)
        if direction in ("down", "both"):
            for src, dst, typ in conn.execute(_DOWN, (arg,)):
                edges.add((src, dst, typ))
                if dst not in seen:
                    seen.add(dst)
                    nxt.append(dst)
        frontier = nxt
    vertices = conn.execute(_NODES, (json.dumps(list(seen)),)).fetchall()
    return {"vertices": len(vertices), "edges": len(edges)}


def write(conn: sqlite3.Connection, k: int, input_id: int) -> None:
    """One notebook write: an action, a new artifact, two edges, in one transaction."""
    conn.execute("BEGIN")
    act = conn.execute(
        "INSERT INTO node(kind, type, name, uri, props) VALUES ('action', 'ProcessingJob', ?, NULL, '{}')",
        (f"nb-action-{k}",),
    ).lastrowid
    art = conn.execute(
        "INSERT INTO node(kind, type, name, uri, props) VALUES ('artifact', 'DataSet', ?, ?, '{}')",
        (f"nb-artifact-{k}", f"s3://bench-bucket/notebook/{k}"),
    ).lastrowid
    conn.executemany(
        "INSERT INTO edge VALUES (?, ?, ?)", [(input_id, act, "ContributedTo"), (act, art, "Produced")]
    )
    conn.execute("COMMIT")


def main(args: dict) -> dict:
    op, n = args["op"], args["n"]
    conn = connect(args["db"])
    if op == "load":
        return once(lambda: load(conn, n))
    if op == "trace":
        start = artifact_id(args["start"])
        return measure(lambda: trace(conn, start, args["direction"], args["hops"]), args.get("repeat", 5))
    if op == "write":
        counter = iter(range(10**9))
        return measure(lambda: write(conn, next(counter), artifact_id(n // 3)), args.get("repeat", 200), 3)
    raise SystemExit(f"unknown op {op!r}")


if __name__ == "__main__":
    emit(main(parse_args(sys.argv)))
