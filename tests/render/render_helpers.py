"""Graphs and SVG helpers for the rendering tests (graphs built directly, no service)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lineage_magics.graph import Edge, LineageGraph, Vertex
from lineage_magics.render.samples import ACCOUNT, arn

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

# Text that breaks naive DOT, HTML-like labels, SVG, Mermaid or terminals.
HOSTILE = [
    '"quoted" name',
    "<b>not bold</b>",
    "a & b &amp; c",
    "{curly} | pipe : colon",
    "back\\slash\\",
    '\\"escaped quote',
    "\\N \\G \\l \\n dot escapes",
    "line\nbreak\r\ttab",
    "bell\x07 esc\x1b[31m nul\x00 del\x7f c1\x85",
    "é ñ 中文 😀 \u202eRTL",
    "<script>alert(1)</script>",
    "]]> <!-- --> <![CDATA[",
    "node",
    "graph { a -> b }",
    "#quot; #35; %% ; `tick`",
    "lone \ud800 surrogate \uffff",
]


def hostile_graph() -> LineageGraph:
    """Every HOSTILE string as a name, type, URI, property key and value (with 4 KB values)."""
    ctx = Vertex(
        arn("context", 'ctx"<script>'),
        "Context",
        "<script>alert(1)</script>",
        'ctx "<script>alert(1)</script>',
    )
    vertices = [ctx]
    edges = []
    for i, text in enumerate(HOSTILE):
        kind = ["Artifact", "Action", "TrialComponent", "Context"][i % 4]
        v = Vertex(
            f"{ACCOUNT}:{kind.lower()}/{i:032x}",
            kind,
            text,
            text,
            f"s3://bucket/{text}/" + text,
            {
                text: text,
                f"big {i}": (text + "x") * (4096 // (len(text) + 1)),
                "k": "<script>alert(1)</script>",
            },
        )
        vertices.append(v)
        edges.append(Edge(ctx.arn, v.arn, "AssociatedWith" if i % 2 else text))
    return LineageGraph(vertices, edges, ctx.arn)


def parse_svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def svg_nodes(root: ET.Element) -> dict[str, ET.Element]:
    """Node <g> elements by their DOT name (the <title>)."""
    return {
        g.findtext(f"{SVG}title"): g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split()
    }


def svg_edges(root: ET.Element) -> dict[str, ET.Element]:
    return {g.findtext(f"{SVG}title"): g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def graph_label_texts(root: ET.Element) -> list[str]:
    """Texts drawn by the graph itself (title, caption, legend), not by nodes, edges or clusters."""
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    return ["".join(t.itertext()) for t in graph.findall(f"{SVG}text")]


def tooltip(element: ET.Element) -> str:
    """The hover text as a reader sees it (zero-width spaces, which guard backslashes, dropped)."""
    a = element.find(f".//{SVG}a")
    return "" if a is None else a.get(f"{XLINK}title", "").replace("\u200b", "")


def fills(element: ET.Element) -> set[str]:
    return {e.get("fill") for e in element.iter() if e.get("fill") not in (None, "none")}
