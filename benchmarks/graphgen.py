"""The benchmark graph of peers.md §9, deterministic for a given (n, seed).

N artifacts a_0..a_{N-1} and N actions e_0..e_{N-1}. Action e_i consumes a_i and one random earlier
artifact a_j (j < i), and produces a_{i+1} (the last action produces nothing): about 3N associations.
Stdlib only, so every benchmark venv (ours, MLMD's) builds exactly the same graph.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ARTIFACT_TYPES = ("DataSet", "Model", "Image")
ACTION_TYPES = ("TrainingJob", "ProcessingJob")
SPLITS = ("train", "test", "validation")


@dataclass(frozen=True)
class Graph:
    """Nodes are ("artifact" | "action", index); edges are (src_kind, src_i, dst_kind, dst_i, type)."""

    n: int
    seed: int
    fan_in: list[int]  # fan_in[i] = j: e_i also consumes a_j (-1 for e_0)

    def artifact_name(self, i: int) -> str:
        return f"a{i}"

    def artifact_uri(self, i: int) -> str:
        return f"s3://bench-bucket/data/{i}/part-0000.parquet"

    def artifact_type(self, i: int) -> str:
        return ARTIFACT_TYPES[i % len(ARTIFACT_TYPES)]

    def artifact_properties(self, i: int) -> dict[str, str]:
        return {"split": SPLITS[i % len(SPLITS)]}

    def action_name(self, i: int) -> str:
        return f"e{i}"

    def action_type(self, i: int) -> str:
        return ACTION_TYPES[i % len(ACTION_TYPES)]

    def edges(self):
        """Yield (src_kind, src_i, dst_kind, dst_i, association_type) in creation order."""
        for i in range(self.n):
            yield ("artifact", i, "action", i, "ContributedTo")
            j = self.fan_in[i]
            if j >= 0:
                yield ("artifact", j, "action", i, "ContributedTo")
            if i + 1 < self.n:
                yield ("action", i, "artifact", i + 1, "Produced")

    @property
    def edge_count(self) -> int:
        return self.n + sum(1 for j in self.fan_in if j >= 0) + (self.n - 1)

    @property
    def row_count(self) -> int:
        """Rows a bulk load writes: artifacts + actions + associations."""
        return 2 * self.n + self.edge_count

    # The start vertices of the trace rows.
    @property
    def last_artifact(self) -> int:
        return self.n - 1

    @property
    def middle_artifact(self) -> int:
        return self.n // 2


def make_graph(n: int, seed: int = 42) -> Graph:
    rng = random.Random(seed)
    fan_in = [-1] + [rng.randrange(i) for i in range(1, n)]
    return Graph(n=n, seed=seed, fan_in=fan_in)
