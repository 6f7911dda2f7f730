"""Small display objects the verbs return: each has a readable text/plain and, where useful, escaped HTML."""

from __future__ import annotations

from typing import Any

from ..errors import LineageError
from ..graph import LineageGraph
from ..text import escape_html, html_table, text_table


class Message:
    """A one-line (or few-line) confirmation, shown as plain text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class Text:
    """A rendering as text (DOT, Mermaid, JSON, OpenLineage, text): shown verbatim; Mermaid also as Markdown."""

    def __init__(self, text: str, format: str) -> None:
        self.text = text
        self.format = format

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self):
        if self.format == "mermaid":
            return f"```mermaid\n{self.text}\n```"
        return None


class KindCounts:
    """``%lineage list`` without a kind: each kind and how many there are, and how to list them."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows
        self.hint = "`%lineage list KIND` lists one kind (--limit, --type, ...; `%lineage help list`)."

    def __repr__(self) -> str:
        return f"{text_table(['kind', 'count'], self.rows)}\n\n{self.hint}"

    def _repr_html_(self) -> str:
        return html_table(["kind", "count"], self.rows) + f"<p>{escape_html(self.hint)}</p>"


class StatusReport:
    """``%lineage status``: the backend (no credentials) and manual-entity usage against SageMaker's limits."""

    def __init__(self, facts: list[tuple[str, str]], counts: dict) -> None:
        self.facts = facts
        self.counts = counts

    def _rows(self) -> list[list[object]]:
        rows = []
        for kind, (used, limit) in self.counts.items():
            share = f"{100 * used / limit:.1f}%" if limit else ""
            rows.append([kind, used, limit if limit is not None else "no limit", share])
        return rows

    def __repr__(self) -> str:
        width = max(len(k) for k, _ in self.facts)
        facts = "\n".join(f"{k.ljust(width)}  {v}" for k, v in self.facts)
        return f"{facts}\n\n{text_table(['kind', 'used', 'limit', 'share'], self._rows())}"

    def _repr_html_(self) -> str:
        return html_table([], self.facts, header_column=True) + html_table(
            ["kind", "used", "limit", "share"], self._rows()
        )


class EntityDetail:
    """``%lineage show``: one entity and its associations."""

    def __init__(self, entity, associations) -> None:
        self.entity = entity
        self.associations = associations

    def __repr__(self) -> str:
        links = repr(self.associations) if len(self.associations) else "no associations"
        return f"{self.entity!r}\n{links}"

    def _repr_html_(self) -> str:
        entity = _html_of(self.entity)
        links = _html_of(self.associations) if len(self.associations) else "<p>no associations</p>"
        return entity + links


def _html_of(obj) -> str:
    method = getattr(obj, "_repr_html_", None)
    out = method() if method else None
    return out if out else f"<pre>{escape_html(repr(obj))}</pre>"


class ContextView:
    """``%%lineage context``: a one-line summary of what changed, then the context's graph.

    Shown as two outputs: the summary, then the graph as an image of its own (SVG, PNG and the
    text tree: ``render.mimebundle``), which every viewer shows, trusted or not."""

    def __init__(self, summary: str, graph) -> None:
        self.summary = summary
        self.graph = graph

    def __repr__(self) -> str:
        return f"{self.summary}\n{self.graph!r}"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        from ..render.mimebundle import mimebundle

        display({"text/plain": self.summary, "text/html": f"<p>{escape_html(self.summary)}</p>"}, raw=True)
        display(mimebundle(self.graph), raw=True)


class TraceResult(LineageGraph):
    """``%lineage trace``: the traced LineageGraph itself (a user keeps it as one), shown as the
    interactive graph widget where widgets render, and as the static SVG and text everywhere else
    (nbconvert's HTML, GitHub, nbval): the widget's output carries both."""

    client: Any = None
    trace_options: dict = {}

    @classmethod
    def of(cls, graph: LineageGraph, client: Any, trace_options: dict | None = None) -> TraceResult:
        """``graph`` (sharing its vertices and edges) with what re-centring needs."""
        result = cls.of_unique(
            graph.vertices,
            graph.edges,
            graph.start,
            truncated=graph.truncated,
            total_vertices=graph.total_vertices,
            direction=graph.direction,
            depth=graph.depth,
            name=graph.name,
        )
        result.client = client
        result.trace_options = dict(trace_options or {})
        return result

    def widget(self):
        """A new GraphView of this graph."""
        from lineage_magics.widgets.graph_view import GraphView

        return GraphView(self, self.client, trace_options=self.trace_options)

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            view = self.widget()
        except (ImportError, LineageError, OSError):  # no anywidget, or no `dot`: the static picture or text
            return super()._repr_mimebundle_(include=include, exclude=exclude)
        return view._repr_mimebundle_(include=include, exclude=exclude)
