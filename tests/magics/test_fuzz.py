"""Hypothesis: any %%lineage context cell either applies or fails with one line naming a line; a failure writes
nothing."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage_magics.errors import LineageError
from lineage_magics.magics.dsl import LineageSyntaxError, parse_cell

from .conftest import client_of, make_shell, run

WORDS = [
    "artifact",
    "action",
    "context",
    "property",
    "->",
    "a",
    "b",
    "c-1",
    "sub_ctx",
    "existing-data",
    "s3://bucket/x",
    "T",
    "Model",
    "produced",
    "SameAs",
    "Bogus",
    "status=Completed",
    "status=nope",
    "uri=s3://u",
    "k=v",
    "k=",
    "=v",
    "'quoted word'",
    '"unclosed',
    "#",
    "# comment",
    "a->b",
    "bad_name",
    "x" * 130,
]
word_lines = st.lists(st.sampled_from(WORDS), max_size=7).map(" ".join)
any_lines = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
cells = st.lists(st.one_of(word_lines, word_lines, any_lines), max_size=8).map("\n".join)


def check_one_line_with_number(exc: LineageError, cell: str) -> None:
    """Every problem is one line naming a line of the cell, and the rendering has one line per problem."""
    problems = getattr(exc, "problems", (str(exc),))
    for message in problems:
        assert "\n" not in message, message
        found = re.match(r"line (\d+): ", message)
        assert found, message
        assert 1 <= int(found.group(1)) <= cell.count("\n") + 3, message
    rendered = exc._render_traceback_()
    shown = getattr(exc, "shown", 1)
    assert len(rendered) == (
        1 if len(problems) == 1 else 1 + min(len(problems), shown) + (len(problems) > shown)
    )
    assert all("\n" not in line for line in rendered)


@settings(max_examples=400, deadline=None)
@given(cells)
def test_parser_accepts_or_names_a_line(cell):
    try:
        spec = parse_cell(cell, "fuzz")
    except LineageSyntaxError as exc:
        check_one_line_with_number(exc, cell)
    else:
        assert all(d.line >= 2 for d in spec.entities) and all(e.line >= 2 for e in spec.edges)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_fails_otherwise_on_any_text(cell):
    try:
        parse_cell(cell, "fuzz")
    except LineageSyntaxError as exc:
        check_one_line_with_number(exc, cell)


def snapshot(client):
    entities = {
        (e.arn, e.type, e.status, tuple(sorted(e.properties.items())))
        for kind in ("contexts", "actions", "artifacts")
        for e in client.list(kind)
    }
    return entities, {(a.source_arn, a.destination_arn, a.type) for a in client.list("associations")}


SHELL = None


def shell():
    global SHELL
    if SHELL is None:
        SHELL = make_shell()
    return SHELL


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells)
def test_cell_applies_or_fails_with_one_line_and_writes_nothing(cell):
    ip = shell()
    ip.run_line_magic("lineage", "use memory://")
    ip.run_line_magic("lineage", "create artifact existing-data DataSet s3://bucket/x")
    before = snapshot(client_of(ip))
    out = run(ip, f"%%lineage context fuzz -o result\n# IPython refuses an empty cell body\n{cell}")
    if out.error is None:
        assert client_of(ip).get("fuzz").name == "fuzz"
        return
    assert isinstance(out.error, LineageError), repr(out.error)
    check_one_line_with_number(out.error, cell)
    assert snapshot(client_of(ip)) == before
