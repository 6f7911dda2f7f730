"""A pandas DataFrame of a graph's vertices."""

from __future__ import annotations

from ..graph import LineageGraph

COLUMNS = ["name", "lineage_type", "type", "depth", "source_uri", "arn"]


def to_dataframe(graph: LineageGraph):
    """One row per vertex (traversal order): name, lineage_type, type, depth, source_uri, arn."""
    import pandas as pd

    graph.hydrate(properties=False)  # names and URIs: listings where cheaper than describes
    rows = [[v.label, v.lineage_type, v.type, v.depth, v.source_uri, v.arn] for v in graph.vertices]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["depth"] = frame["depth"].astype("Int64")
    return frame
