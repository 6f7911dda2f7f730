"""The look shared by every rendering: colours, shapes, edge styles, and the labels drawn from a vertex."""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Vertex
from ..text import shorten, visible

FONT = "Helvetica,Arial,sans-serif"
INK = "#232f3e"  # the start vertex's border, titles
MUTED = "#545b64"


@dataclass(frozen=True)
class Kind:
    """How one lineage type is drawn."""

    name: str  # the legend's word
    fill: str
    shape: str  # a graphviz shape
    style: str  # graphviz node style
    css: str  # a class name (SVG class, Mermaid classDef)

    @property
    def font(self) -> str:
        return readable_on(self.fill)

    @property
    def border(self) -> str:
        return darker(self.fill)


KINDS: dict[str | None, Kind] = {
    "Context": Kind("Context", "#ff9900", "folder", "filled", "context"),
    "Action": Kind("Action", "#88c396", "box", "rounded,filled", "action"),
    "Artifact": Kind("Artifact", "#146eb4", "note", "filled", "artifact"),
    "TrialComponent": Kind("TrialComponent", "#f6cf61", "component", "filled", "trialcomponent"),
    "Experiment": Kind("Experiment", "#b39ddb", "tab", "filled", "experiment"),
    None: Kind("Other", "#d5dbdb", "ellipse", "filled", "other"),
}
KIND_ORDER = ["Context", "Action", "Artifact", "TrialComponent", "Experiment", None]


def kind_of(vertex: Vertex) -> Kind:
    return KINDS.get(vertex.lineage_type, KINDS[None])


@dataclass(frozen=True)
class EdgeStyle:
    color: str
    style: str  # solid | dashed | dotted


EDGE_STYLES: dict[str, EdgeStyle] = {
    "Produced": EdgeStyle("#232f3e", "solid"),
    "ContributedTo": EdgeStyle("#0b6bab", "solid"),
    "DerivedFrom": EdgeStyle("#c0390b", "solid"),
    "AssociatedWith": EdgeStyle("#7d8998", "dashed"),
    "SameAs": EdgeStyle("#1d8102", "dotted"),
}
OTHER_EDGE = EdgeStyle("#545b64", "solid")
EDGE_ORDER = ["Produced", "ContributedTo", "DerivedFrom", "AssociatedWith", "SameAs"]


def edge_style(association_type: str | None) -> EdgeStyle:
    return EDGE_STYLES.get(association_type or "", OTHER_EDGE)


# -- colours -----------------------------------------------------------------
def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill``."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"


def darker(hex_colour: str, factor: float = 0.7) -> str:
    r, g, b = (int(int(hex_colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def display_name(vertex: Vertex) -> str:
    """The vertex's name (or URI tail, or ARN tail), visible-escaped."""
    return visible(vertex.label)


def type_line(vertex: Vertex) -> str:
    """``TestData · Artifact`` (the entity type, then the lineage type)."""
    lineage = visible(vertex.lineage_type) or "unknown"
    return f"{visible(vertex.type)} · {lineage}" if vertex.type else lineage


def tooltip_lines(vertex: Vertex, *, value_limit: int = 300) -> list[str]:
    """The hover text: type, name, full ARN, source URI, then the properties (long values cut)."""
    lines = [type_line(vertex)]
    if vertex.name:
        lines.append(f"name: {visible(vertex.name)}")
    lines.append(f"arn: {visible(vertex.arn)}")
    if vertex.source_uri:
        lines.append(f"source: {visible(vertex.source_uri)}")
    for key, value in (vertex.properties or {}).items():
        lines.append(f"{shorten(visible(key), 80)}: {shorten(visible(value), value_limit)}")
    return lines
