"""Hostile text stored exactly and shown escaped in every output, end to end through a real store.

Names follow SageMaker's rules (they cannot carry markup); types, source URIs, descriptions,
property keys and values carry markup, DOT and Mermaid syntax, quotes, control characters,
non-ASCII and 4 KB values.
"""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from lineage_magics import LineageClient
from lineage_magics.errors import ServiceError

HOSTILE = [
    '<script>alert("t")</script>',
    '"><img src=x onerror=alert(1)>',
    "</text></svg><script>steal()</script>",
    '"]; evil -> node [label="pwn"]; "',
    "} digraph evil { a -> b",
    "<<b>html-like</b>>",
    "\\N \\G \\l \\\\ trailing\\",
    "A-->B; click A call alert(1)\n%%{init: {'theme':'dark'}}%%",
    "end\nsubgraph X\nflowchart TD",
    "' \" ` &amp; &lt; &#60; #quot; #35;",
    "ctrl\x00\x01\x07\x08\x1b[31mred\x1b[0m\x7f\x85\r\n\t.",
    "\u202etxt.exe\u2028\u2029\ufeff\u200b",
    "日本語 Ωμέγα 🚀 e\u0301 \U0001d54f",
    "]]>]]><![CDATA[<script>x</script>",
]
BIG = ("<script>" * 512)[:4096]  # an artifact property value at SageMaker's 4,096 limit
LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")  # refused by SageMaker's ".*" patterns


def one_line(text: str) -> str:
    """``text`` for a field with a ``.*`` pattern (descriptions, URIs, properties): no line terminators."""
    return LINE_BREAKS.sub(" ", text)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
NAMES = ["a", "A1-b2--c3", "x" * 120]  # the name rules allow nothing hostile: use their limits instead


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A context, actions and artifacts carrying the hostile corpus, linked together."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'store.db'}"
    lc = LineageClient(url, progress=False)
    ctx = lc.create_context(
        "hostile_ctx-1", HOSTILE[0], "wf://" + HOSTILE[3], description=one_line(HOSTILE[10] + HOSTILE[7]),
        properties={one_line(h): one_line(h) for h in HOSTILE},
    )  # fmt: skip
    made = {ctx.arn: ctx}
    for i, text in enumerate(HOSTILE):  # types keep line breaks: String256 has no pattern
        flat = one_line(text)
        action = lc.create_action(f"{NAMES[i % 3][:110]}{i}", text, f"job://{flat}", status="Completed",
                                  description=flat, properties={"k": flat, flat: "v"})  # fmt: skip
        artifact = lc.create_artifact(f"s3://bucket/{flat}", text, name=f"d{i}-{NAMES[i % 3][:100]}",
                                      properties={"big": BIG, "v": flat})  # fmt: skip
        for e in (action, artifact):
            made[e.arn] = e
            lc.associate(ctx, e, "AssociatedWith")
        lc.associate(artifact, action, "ContributedTo")
    return lc, ctx, made


def test_line_breaks_refused_where_sagemaker_refuses_them(store):
    lc = store[0]
    for bad in ("a\nb", "a\rb", "a\x85b", "a\u2028b"):
        with pytest.raises(ServiceError, match="ValidationException"):
            lc.create_context("lb-ctx", "T", description=bad)
        with pytest.raises(ServiceError, match="ValidationException"):
            lc.create_artifact(f"s3://x/{bad}", "T")
    assert (
        lc.create_context("lb-ctx", "T\r\n\x85\u2028", description="a\x00\x1b\tb").type == "T\r\n\x85\u2028"
    )
    lc.delete("lb-ctx")


def test_stored_exactly(store):
    lc, ctx, made = store
    for arn, created in made.items():
        again = lc.get(arn)
        assert again.type == created.type
        assert again.source_uri == created.source_uri
        assert again.properties == created.properties
        assert again.description == created.description
    got = lc.get(ctx.arn)
    assert got.type == HOSTILE[0] and got.description == one_line(HOSTILE[10] + HOSTILE[7])
    assert got.properties == {one_line(h): one_line(h) for h in HOSTILE}
    artifacts = [e for e in made.values() if e.kind == "artifact"]
    assert {a.source_uri for a in artifacts} == {f"s3://bucket/{one_line(t)}" for t in HOSTILE}
    assert all(lc.get(a.arn).properties["big"] == BIG for a in artifacts)
    assert {lc.get(a.arn).type for a in artifacts} == set(HOSTILE)


class Tags(HTMLParser):
    """Every start tag and attribute name in an HTML document."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


def assert_safe_html(text: str, allowed_tags: set[str] | None = None, controls: bool = True) -> None:
    assert "<script" not in text.lower()
    assert "<img" not in text.lower() and "<![cdata[" not in text.lower()
    parsed = Tags(text)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [a for a in parsed.attributes if a.startswith("on")]
    if allowed_tags is not None:
        assert parsed.tags <= allowed_tags, parsed.tags - allowed_tags
    if controls:  # shown as escapes; a DataFrame keeps the exact data instead (controls=False)
        assert not CONTROL.search(text.replace("\r", "").replace("\t", ""))


def assert_plain(text: str) -> None:
    """Text output: no raw control characters (newlines between lines only)."""
    assert not CONTROL.search(text), repr(CONTROL.search(text))
    assert "\r" not in text and "\t" not in text


def test_graph_outputs(store):
    lc, ctx, made = store
    graph = lc.trace(ctx, direction="both", depth=3)
    assert {v.arn for v in graph.vertices} == set(made)

    svg = graph.to_svg()
    assert_safe_html(svg)
    root = ElementTree.fromstring(svg)  # well-formed XML (no raw control characters)
    assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] in ("script", "foreignObject")]
    assert not [k for el in root.iter() for k in el.attrib if k.lower().startswith("on")]
    svg_text = "".join(root.itertext())
    assert "ctrl\\x00\\x01\\x07" in svg_text or "ctrl\\x00" in svg_text  # shown as escapes, not raw

    source = graph.to_dot().source
    proc = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=False)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    assert "<script" not in proc.stdout.decode().lower()

    mermaid = graph.to_mermaid()
    assert_plain(mermaid)
    labels = re.findall(r'"([^"]*)"', mermaid)
    assert labels and all(
        re.fullmatch(r"(?:[^\"<>;\[\]{}()|#`\\&\x00-\x1f]|#\d+;|\\\\?[^\"])*", x) for x in labels
    )
    skeleton = re.sub(r'"[^"]*"', '""', mermaid)
    assert "click" not in skeleton and "%%" not in skeleton and "subgraph" not in skeleton
    assert skeleton.count("-->") + skeleton.count("-.->") == len(graph.edges)

    text = graph.to_text()
    assert_plain(text)
    assert len(text.splitlines()) >= len(graph.vertices)

    data = json.loads(graph.to_json())
    assert {v["arn"] for v in data["vertices"]} == set(made)
    by_arn = {v["arn"]: v for v in data["vertices"]}
    for arn, e in made.items():
        if e.kind == "artifact":
            assert by_arn[arn]["source_uri"] == e.source_uri and by_arn[arn]["type"] == e.type

    for mime, out in graph._repr_mimebundle_().items():
        if isinstance(out, str) and ("html" in mime or "svg" in mime):
            assert_safe_html(out)
        elif mime == "text/plain":
            assert_plain(out)
    json.dumps(graph.to_openlineage())


def test_entity_list_and_plan_outputs(store):
    lc, ctx, made = store
    for e in made.values():
        assert_safe_html(e._repr_html_())
        assert_plain(repr(e))
    for kind in ("contexts", "actions", "artifacts", "associations"):
        listed = lc.list(kind)
        assert_safe_html(listed._repr_html_())
        assert_plain(repr(listed))
    assoc = lc.associations(ctx)
    assert_safe_html(assoc._repr_html_())
    plan = lc.plan_cleanup(ctx)
    assert len(plan.entities) == len(made)
    assert_safe_html(plan._repr_html_())
    assert_plain(repr(plan))
    frame = lc.list("artifacts").to_dataframe()
    assert set(frame["source_uri"]) == {e.source_uri for e in made.values() if e.kind == "artifact"}
    assert_safe_html(frame.to_html(), controls=False)


def test_widget_html(store):
    import ipywidgets as w

    from lineage_magics.widgets.base import walk
    from lineage_magics.widgets.cleanup import CleanupForm
    from lineage_magics.widgets.explorer import ExploreForm

    lc, ctx, made = store
    explore = ExploreForm(lc, start=ctx.arn, depth=2)
    assert explore.value is not None and len(explore.value.vertices) == len(made), explore.status
    explore.export("mermaid")
    cleanup = CleanupForm(lc, context=ctx.arn)
    cleanup.preview()
    for form in (explore, cleanup):
        for widget in walk(form):
            if isinstance(widget, w.HTML):
                assert_safe_html(widget.value)
            for label in getattr(widget, "_options_labels", ()) or ():
                assert_plain(label)


def test_magics_outputs(store):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from traitlets.config import Config

    lc, ctx, made = store
    config = Config()
    config.HistoryAccessor.enabled = False
    config.LineageMagics.progress = False
    shell = InteractiveShell(config=config)
    shell.displayhook.flush = lambda: None
    shell.run_line_magic("load_ext", "lineage_magics")
    try:
        shell.run_line_magic("lineage", f"use {lc.url}")
        action = next(e for e in made.values() if e.kind == "action")
        for cell in (f"%lineage show {ctx.name}", f"%lineage show {action.name}", f"%lineage trace {ctx.name}",
                     "%lineage list actions", "%lineage list artifacts", f"%lineage cleanup {ctx.name} --dry-run",
                     f"%lineage impact {ctx.name}"):  # fmt: skip
            with capture_output() as captured:
                result = shell.run_cell(cell, store_history=False)
            assert result.error_in_exec is None and result.error_before_exec is None, (cell, captured.stderr)
            assert_plain(captured.stdout.replace("\t", " "))
            data, _ = shell.display_formatter.format(result.result)
            for mime, out in data.items():
                if mime == "text/plain":
                    assert_plain(out)
                elif isinstance(out, str) and ("html" in mime or "svg" in mime):
                    assert_safe_html(out)
    finally:
        shell.run_line_magic("unload_ext", "lineage_magics")


def test_errors_quote_hostile_values_on_one_clean_line(store):
    lc = store[0]
    with pytest.raises(ServiceError) as info:
        lc.create_context("err-ctx", "T", description="a\x1b[31mred\nsecond line\x00")
    shown = info.value._render_traceback_()
    assert len(shown) == 1
    assert_plain(shown[0])
    assert (
        "at 'description' failed to satisfy constraint" in shown[0]
    )  # the whole message, not its first line
