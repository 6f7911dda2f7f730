"""The explore form: trace from an entity, tune direction, depth and filters, re-centre, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from lineage_magics.render.formats import FORMATS
from lineage_magics.sagemaker import LINEAGE_TYPES
from lineage_magics.text import visible

from .base import FormError, LineageForm, escape, labelled
from .graph_view import DOWNLOADS, GraphView
from .picker import EntityPicker, load_entities

EXPORTS = DOWNLOADS  # svg, png, mermaid, json: the graph widget's downloads
EMPTY_HINT = (
    "Choose a start entity on the left (type to filter the list), then press Trace; "
    "or run `%lineage form explore NAME` to start from NAME."
)


def vertex_label(vertex: Any, start: str | None) -> str:
    mark = "★ " if vertex.arn == start else ""
    return visible(f"{mark}{vertex.lineage_type or '?'} · {vertex.label} · {vertex.type or '-'}")


class ExploreForm(LineageForm):
    """Trace lineage from a start entity and look around.

    ``ExploreForm(client, start=REF, direction="both", depth=3)`` traces at once when a
    start is given. ``.value`` is the ``LineageGraph`` shown, in the interactive graph widget
    (``.graph``, a GraphView: hover, select, expand, double-click to re-centre, back/forward,
    downloads). Changing direction, depth or a filter re-traces from the current centre; choose a
    vertex (in the graph or the list) and click Re-centre to trace from it. ``export(fmt)`` downloads
    the view in the page and writes it to ``export_dir`` when the form has one.
    """

    title = "Explore lineage"

    def __init__(
        self,
        client: Any = None,
        start: Any = None,
        *,
        direction: str = "both",
        depth: int = 3,
        max_vertices: int = 100,
        export_dir: str | Path | None = None,
        **kwargs: Any,
    ) -> None:
        self.value: Any = None
        self.export_dir = Path(export_dir) if export_dir is not None else None
        self.start = EntityPicker("Start", css="lineage-explore-start", rows=6)
        self.direction = w.ToggleButtons(
            options=["up", "both", "down"], value=direction, style={"button_width": "4.5em"}
        )
        self.direction.add_class("lineage-explore-direction")
        self.depth = w.IntSlider(
            value=depth, min=1, max=25, continuous_update=False, layout=w.Layout(width="15em")
        )
        self.depth.add_class("lineage-explore-depth")
        self.max_vertices = w.BoundedIntText(
            value=max_vertices, min=1, max=100_000, layout=w.Layout(width="7em")
        )
        self.lineage_types = w.SelectMultiple(
            options=list(LINEAGE_TYPES), rows=4, layout=w.Layout(width="100%", margin="2px 0")
        )
        self.lineage_types.add_class("lineage-explore-lineage-types")
        self.types = w.SelectMultiple(options=[], rows=4, layout=w.Layout(width="100%", margin="2px 0"))
        self.types.add_class("lineage-explore-types")
        self.trace_button = w.Button(description="Trace", button_style="primary", icon="sitemap")
        self.trace_button.add_class("lineage-explore-trace")
        self.trace_button.on_click(self.action(lambda _b: self.trace(), "tracing…"))
        self.caption = w.HTML()
        self.caption.add_class("lineage-explore-caption")
        self.graph = GraphView(
            None,
            client,
            retrace=lambda arn: self.action(lambda: self.trace(arn), "tracing…")(),
            empty_hint=EMPTY_HINT,
        )
        self.graph.add_class("lineage-explore-graph")
        self.graph.observe(self._stepped, names="centre")
        self.graph.observe(self._picked, names="selected")
        self.vertices = w.Select(options=[], rows=12, layout=w.Layout(width="100%", margin="2px 0"))
        self.vertices.add_class("lineage-explore-vertices")
        self.recentre_button = w.Button(description="Re-centre", icon="crosshairs")
        self.recentre_button.add_class("lineage-explore-recentre")
        self.recentre_button.on_click(self.action(lambda _b: self.recentre(), "tracing…"))
        super().__init__(client, self._layout(), **kwargs)
        self.graph.client = self.client
        self.add_class("lineage-explore-form")
        retrace = self.action(lambda _c: self._retrace(), "tracing…")
        for control in (self.direction, self.depth, self.lineage_types, self.types, self.max_vertices):
            control.observe(retrace, names="value")
        self.vertices.observe(lambda _c: self.refresh_state(), names="value")
        self.guard(self.load)()
        if start is not None:
            self.action(lambda: self.trace(self.client.resolve(start)), "tracing…")()
        self.refresh_state()

    def _layout(self) -> list[w.Widget]:
        """Controls in three columns, the caption, the graph beside its vertex list, then export."""

        def small(text: str) -> w.HTML:
            return w.HTML(f"<small>{escape(text)}</small>")

        options = w.VBox(
            [
                labelled("Direction", self.direction, "7.5em"),
                labelled("Depth", self.depth, "7.5em"),
                labelled("Max vertices", self.max_vertices, "7.5em"),
                labelled("", self.trace_button, "7.5em"),
            ],
        )
        filters = w.VBox(
            [
                small("Lineage types"),
                self.lineage_types,
                small("Types"),
                self.types,
                small("none chosen: all"),
            ],
        )
        controls = w.GridBox(
            [self.start, options, filters],
            layout=w.Layout(width="100%", grid_template_columns="minmax(0, 1fr) 23em 13em", grid_gap="1em"),
        )
        graph_box = w.Box([self.graph], layout=w.Layout(min_width="0"))
        side = w.VBox(
            [small("Vertices"), self.vertices, self.recentre_button], layout=w.Layout(min_width="0")
        )
        body = w.GridBox(
            [graph_box, side],
            layout=w.Layout(width="100%", grid_template_columns="minmax(0, 1fr) 16em", grid_gap="1em"),
        )
        return [controls, self.caption, body]

    def load(self) -> None:
        """(Re)load the entities offered as a start and the types offered as filters."""
        entities = load_entities(self.client)
        self.start.set_entities(entities)
        chosen = set(self.types.value)
        types = sorted({e.type for e in entities if e.type} | chosen, key=str.lower)
        self.types.options = [(visible(t), t) for t in types]  # labels escaped, values exact
        self.types.value = tuple(t for t in types if t in chosen)

    def refresh_state(self) -> None:
        if not self._busy:
            shown = self.value is not None
            self.recentre_button.disabled = not shown or self.vertices.value is None

    # -- tracing ----------------------------------------------------------
    def trace(self, start: str | None = None) -> Any:
        """Trace from ``start`` (an ARN; default: the picker's choice) and show the graph."""
        arn = start or self.start.value
        if arn is None:
            raise FormError("choose a start entity first")
        graph = self.client.trace(
            arn,
            direction=self.direction.value,
            depth=self.depth.value,
            types=list(self.types.value) or None,
            lineage_types=list(self.lineage_types.value) or None,
            max_vertices=self.max_vertices.value,
        )
        self.graph.max_vertices = self.max_vertices.value
        self.graph.show(graph)
        self._shown(graph)
        self.set_status(f"traced from {self._centre_label(graph, arn)}: {len(graph.vertices)} vertices", "ok")
        self._done(graph)
        return graph

    @staticmethod
    def _centre_label(graph: Any, arn: str) -> str:
        return graph.vertex(graph.start).label if graph.start in graph else arn

    def _shown(self, graph: Any) -> None:
        """The caption, the vertex list and the start picker follow the graph shown."""
        self.value = graph
        shown, total = len(graph.vertices), graph.total_vertices or len(graph.vertices)
        cut = " (truncated)" if graph.truncated else ""
        self.caption.value = (
            f"showing {shown} of {total} vertices{escape(cut)}, {len(graph.edges)} edges · "
            f"{escape(self.direction.value)}, depth {self.depth.value}"
        )
        self.vertices.options = [(vertex_label(v, graph.start), v.arn) for v in graph.vertices]
        if graph.start in graph:
            self.vertices.value = graph.start
        if graph.start and self.start.offers(graph.start):
            self.start.value = graph.start
        self.refresh_state()

    def _stepped(self, _change: Any) -> None:
        """Back or forward in the graph: the form follows."""
        graph = self.graph.graph
        if graph is not None and graph is not self.value:
            self._shown(graph)

    def _picked(self, change: Any) -> None:
        """A node selected in the graph is selected in the list too."""
        arn = change["new"]
        if arn and any(value == arn for _label, value in self.vertices.options):
            self.vertices.value = arn

    def _retrace(self) -> None:
        if self.value is not None:
            self.trace(self.value.start)

    def recentre(self, arn: str | None = None) -> Any:
        """Trace again from ``arn`` (default: the vertex chosen in the list)."""
        arn = arn or self.vertices.value
        if arn is None:
            raise FormError("choose a vertex in the list first")
        return self.trace(arn)

    # -- export ---------------------------------------------------------
    def export(self, fmt: str, path: str | Path | None = None) -> str | bytes:
        """The view as shown in ``fmt`` (svg, png, mermaid, json: text, bytes for png), downloaded in
        the page; written to ``path`` when given, else into ``export_dir`` when the form has one."""
        if fmt not in EXPORTS:
            raise FormError(f"export format must be one of {', '.join(EXPORTS)}, not {fmt!r}")
        if self.value is None:
            raise FormError("nothing to export: trace a graph first")
        filename, data = self.graph.export(fmt)
        if path is None and self.export_dir is not None:
            path = self.export_dir / filename
        if path is not None:
            Path(path).write_bytes(data)
        where = f" → {path}" if path is not None else ""
        self.set_status(f"exported {fmt} ({len(data):,} bytes){where}", "ok")
        return data if FORMATS[fmt].binary else data.decode("utf-8")
