"""A pandas DataFrame of a graph's vertices (imported only when a table is asked for: it imports pandas)."""

from __future__ import annotations

import pandas as pd

from ..graph import LineageGraph

COLUMNS = ["name", "lineage_type", "type", "depth", "source_uri", "arn"]


class LineageFrame(pd.DataFrame):
    """A DataFrame whose display shows whole cells: ARNs are longer than pandas' 50-character cut."""

    @property
    def _constructor(self):
        return LineageFrame

    def _repr_html_(self):
        with pd.option_context("display.max_colwidth", None):
            return super()._repr_html_()

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", None):
            return super().__repr__()


def to_dataframe(graph: LineageGraph) -> LineageFrame:
    """One row per vertex (traversal order): name, lineage_type, type, depth, source_uri, arn.

    A missing source URI is ``""`` (not None or NaN).
    """
    graph.hydrate(properties=False)  # names and URIs: listings where cheaper than describes
    rows = [[v.label, v.lineage_type, v.type, v.depth, v.source_uri or "", v.arn] for v in graph.vertices]
    frame = LineageFrame(rows, columns=COLUMNS)
    frame["depth"] = frame["depth"].astype("Int64")
    return frame
