"""Renderings of a LineageGraph: graphviz (DOT/SVG/PNG/PDF), Mermaid, text, JSON, OpenLineage, DataFrame.

One module per format; ``view`` holds the vertex cap they share and ``style`` the look.
"""
