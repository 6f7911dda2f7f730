"""GraphView: a lineage graph you can click. ``dot`` lays it out (the static renderings' picture);
the browser code (``static/graph_view.js``, an anywidget ES module: no build step) adds hover
tooltips, selection with a details panel, "+K more" expansion, re-centring, back/forward, pan and
zoom, search, legend toggles and downloads. Where widgets cannot render (nbconvert, GitHub, nbval)
the output's static SVG and text, from ``render.mimebundle``, are shown instead."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from lineage_magics.errors import LineageError
from lineage_magics.render.interactive import Opened, download, picture, vertex_facts
from lineage_magics.render.mimebundle import mimebundle
from lineage_magics.text import visible

log = logging.getLogger("lineage_magics.widgets")
STATIC = Path(__file__).with_name("static")
DOWNLOADS = ("svg", "png", "mermaid", "json")
TABLE_ROWS = 200


def _when(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if hasattr(value, "isoformat") else visible(value)


class GraphView(anywidget.AnyWidget):
    """An interactive lineage graph.

    ``GraphView(graph, client, max_vertices=150, trace_options={...})``: ``graph`` is a
    LineageGraph; ``client`` (a LineageClient, optional) lets it describe a hovered node, re-centre
    (a new trace with ``trace_options``), and show impact. ``retrace(arn)``, when given, re-centres
    instead (the explore form traces with its own controls and calls :meth:`show`).
    """

    _esm = STATIC / "graph_view.js"
    _css = STATIC / "graph_view.css"

    svg = t.Unicode("").tag(sync=True)
    data = t.Dict().tag(sync=True)
    selected = t.Unicode("").tag(sync=True)  # the ARN of the selected node
    search = t.Unicode("").tag(sync=True)
    status = t.Unicode("").tag(sync=True)
    panel = t.Dict().tag(sync=True)  # an action's table: {"title", "columns", "rows", "mark"}
    history = t.Dict({"back": False, "forward": False}).tag(sync=True)
    empty_hint = t.Unicode("").tag(sync=True)
    centre = t.Unicode("")  # the start ARN of the graph shown (Python side only)

    def __init__(
        self,
        graph: Any = None,
        client: Any = None,
        *,
        max_vertices: int | None = None,
        trace_options: dict | None = None,
        retrace: Callable[[str], Any] | None = None,
        empty_hint: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(empty_hint=empty_hint, **kwargs)
        self.client = client
        self.max_vertices = max_vertices
        self.trace_options = dict(trace_options or {})
        self.retrace = retrace
        self.opened: Opened | None = None
        self._history: list[Any] = []
        self._at = -1
        self._described: dict[str, dict] = {}
        self.on_msg(self._message)
        if graph is not None:
            self.show(graph)

    # -- what is shown --------------------------------------------------------------------------------
    @property
    def graph(self) -> Any:
        return self.opened.graph if self.opened is not None else None

    def show(self, graph: Any, *, push: bool = True) -> None:
        """Show ``graph`` (a new exploration step unless ``push`` is false)."""
        if push:
            del self._history[self._at + 1 :]
            self._history.append(graph)
            self._at = len(self._history) - 1
        self.opened = Opened(graph, self.max_vertices)
        self.selected = ""
        self.panel = {}
        self._draw()
        self.centre = graph.start or ""

    def _draw(self) -> None:
        svg, data = picture(self.opened)
        with self.hold_sync():
            self.data = data
            self.svg = svg
            self.history = {"back": self._at > 0, "forward": self._at < len(self._history) - 1}

    def clear(self) -> None:
        self.opened = None
        with self.hold_sync():
            self.svg, self.data, self.selected, self.panel = "", {}, "", {}

    # -- exploring ------------------------------------------------------------------------------------
    def expand(self, more_id: str) -> list[str]:
        """Open the vertices behind the "+K more" box ``more_id`` nearest its anchor (one hop);
        only they are described (when they are artifacts a trace left to describe)."""
        more = (self.data.get("more") or {}).get(more_id)
        if more is None or self.opened is None:
            raise LineageError(f"no “+K more” box {more_id!r} in this graph")
        new = self.opened.expand(more["anchor_arn"], more["upstream"])
        self._draw()
        self.status = f"showing {len(new)} more next to {self.graph.vertex(more['anchor_arn']).label}"
        return new

    def collapse(self, arn: str) -> list[str]:
        """Close what expanding ``arn`` opened."""
        closed = self.opened.collapse(arn)
        self._draw()
        self.status = f"closed {len(closed)}"
        return closed

    def recentre(self, arn: str) -> Any:
        """Trace again from ``arn`` (a new step: Back returns here)."""
        if self.retrace is not None:
            return self.retrace(arn)
        if self.client is None:
            raise LineageError("this graph has no client to trace with")
        graph = self.client.trace(arn, **self.trace_options)
        self.show(graph)
        self.status = f"traced from {graph.vertex(graph.start).label if graph.start in graph else arn}"
        return graph

    def back(self) -> None:
        if self._at > 0:
            self._at -= 1
            self.show(self._history[self._at], push=False)

    def forward(self) -> None:
        if self._at < len(self._history) - 1:
            self._at += 1
            self.show(self._history[self._at], push=False)

    def toggle(self, group: str, key: str) -> None:
        """Hide (or show again) a lineage type (``group="lineage"``) or association type."""
        members = {"lineage": "hidden_lineage_types", "association": "hidden_association_types"}
        if group not in members or self.opened is None:
            raise LineageError(f"nothing to hide: {group!r} is not lineage or association")
        o, member = self.opened, members[group]
        hidden = set(getattr(o, member))
        hidden.symmetric_difference_update({key})
        setattr(o, member, frozenset(hidden))
        self._draw()

    # -- facts and actions ----------------------------------------------------------------------------
    def describe(self, arn: str) -> dict:
        """What the tooltip shows of ``arn`` beyond the trace's facts: created and modified times,
        status, properties, a trial component's parameters and final metrics (one Describe, kept)."""
        if arn in self._described:
            return self._described[arn]
        facts = vertex_facts(self.graph.vertex(arn)) if self.graph is not None and arn in self.graph else {}
        if self.client is not None:
            e = self.client.get(arn)
            raw = e.raw or {}
            facts.update(
                created=_when(e.created) if e.created else "",
                modified=_when(e.modified) if e.modified else "",
                status=visible(e.status) if e.status else "",
                description=visible(e.description) if e.description else "",
                properties=[[visible(k), visible(v)] for k, v in (e.properties or {}).items()],
            )
            params = raw.get("Parameters") or {}
            facts["parameters"] = [
                [visible(k), visible(v.get("StringValue", v.get("NumberValue", "")))]
                for k, v in params.items()
            ]
            facts["metrics"] = [
                [visible(m.get("MetricName")), visible(m.get("Last", m.get("Max", "")))]
                for m in raw.get("Metrics") or []
            ]
        self._described[arn] = facts
        return facts

    def impact(self, arn: str) -> dict:
        """Everything downstream of ``arn``, as a table in the details panel."""
        if self.client is None:
            raise LineageError("this graph has no client to ask for the impact")
        report = self.client.impact(arn)
        rows = [
            [visible(it.vertex.label), visible(it.vertex.lineage_type) or "", visible(it.vertex.type) or "",
             str(it.depth), visible(" → ".join(it.labels))]
            for group in report.groups.values()
            for it in group
        ][:TABLE_ROWS]  # fmt: skip
        self.panel = {
            "title": f"impact of {visible(report.start.label)}: {len(report)} downstream",
            "columns": ["name", "lineage type", "type", "depth", "path"],
            "rows": rows,
        }
        return self.panel

    def table(self, arn: str | None = None) -> dict:
        """The shown vertices as a table, ``arn``'s row marked."""
        graph = self.opened.shown()
        rows, mark = [], -1
        for i, v in enumerate(graph.vertices[:TABLE_ROWS]):
            rows.append([visible(v.label), visible(v.lineage_type) or "", visible(v.type) or "",
                         "" if v.depth is None else str(v.depth), v.arn])  # fmt: skip
            if v.arn == arn:
                mark = i
        self.panel = {
            "title": f"{len(graph.vertices)} vertices shown",
            "columns": ["name", "lineage type", "type", "depth", "ARN"],
            "rows": rows,
            "mark": mark,
        }
        return self.panel

    def export(self, fmt: str) -> tuple[str, bytes]:
        """The view as shown (expanded, types hidden) in ``fmt``; the page downloads it as a file."""
        if fmt not in DOWNLOADS:
            raise LineageError(f"export format must be one of {', '.join(DOWNLOADS)}, not {fmt!r}")
        if self.opened is None:
            raise LineageError("nothing to export: trace a graph first")
        ext, mime, data = download(self.opened, fmt)
        start = self.graph.vertex(self.graph.start).label if self.graph.start in self.graph else "graph"
        filename = "lineage-" + (re.sub(r"[^A-Za-z0-9._-]+", "-", start).strip("-") or "graph") + "." + ext
        self.send({"kind": "download", "filename": filename, "mime": mime}, [data])
        self.status = f"downloaded {filename} ({len(data):,} bytes)"
        return filename, data

    # -- the page's messages ----------------------------------------------------------------------------
    def _message(self, _widget: Any, msg: dict, _buffers: list) -> None:
        event, arn = msg.get("event"), msg.get("arn") or ""
        handlers: dict[str, Callable[[], Any]] = {
            "expand": lambda: self.expand(msg.get("node") or ""),
            "collapse": lambda: self.collapse(arn),
            "recentre": lambda: self.recentre(arn),
            "back": self.back,
            "forward": self.forward,
            "toggle": lambda: self.toggle(msg.get("group") or "", msg.get("key") or ""),
            "describe": lambda: self.send({"kind": "details", "arn": arn, "facts": self.describe(arn)}),
            "impact": lambda: self.impact(arn),
            "table": lambda: self.table(arn),
            "export": lambda: self.export(msg.get("format") or ""),
        }
        handler = handlers.get(event)
        if handler is None:
            return
        try:
            handler()
        except LineageError as exc:
            self.status = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        except Exception as exc:  # a bug: shown in one line, logged with its traceback
            log.exception("graph view: %s failed", event)
            self.status = f"{type(exc).__name__}: {exc}".splitlines()[0]

    # -- display --------------------------------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs: Any):
        """The widget where widgets render; the static SVG and text of the graph everywhere else."""
        bundle = mimebundle(self.graph, include=include, exclude=exclude) if self.graph is not None else {}
        widget = super()._repr_mimebundle_(**kwargs)
        data = widget[0] if isinstance(widget, tuple) else (widget or {})
        bundle.update({k: v for k, v in data.items() if k != "text/plain" or "text/plain" not in bundle})
        return bundle
