"""The ``%%lineage context`` cell DSL: cell text -> :class:`~lineage_magics.spec.WorkflowSpec`.

One declaration a line (shell-style quoting; ``#`` starts a comment at the start of a word, outside quotes)::

    artifact NAME TYPE URI [k=v ...]
    action   NAME TYPE [uri=URI] [status=S] [k=v ...]
    context  NAME TYPE [uri=URI] [k=v ...]
    property k=v ...                      # the context's own properties
    A -> B [-> C ...] [TYPE]              # TYPE: ContributedTo, AssociatedWith, DerivedFrom, Produced, SameAs

The whole cell is checked before anything is written; each problem is one line naming the cell line
(numbered as the notebook shows it: the ``%%lineage`` line is line 1). No IPython; enums and limits come from botocore's model (:mod:`lineage_magics.sagemaker`).
"""

from __future__ import annotations

import shlex

from .. import sagemaker as sm
from ..errors import WorkflowError
from ..text import did_you_mean
from ..workflow import EdgeDecl, EntityDecl, WorkflowSpec

KEYWORDS = ("artifact", "action", "context", "property")
ARROW = "->"
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class LineageSyntaxError(WorkflowError):
    """A ``%%lineage context`` cell that does not parse; ``line`` is the cell line (1 = the magic line).

    ``line`` and ``detail`` are the first problem's; ``problems`` lists every one ("line N: ...").
    """

    def __init__(self, line: int, message: str):
        super().__init__([f"line {line}: {message}"])
        self.line = line
        self.detail = message

    @classmethod
    def of(cls, errors: list[LineageSyntaxError]) -> LineageSyntaxError:
        """One error carrying every problem of ``errors`` (in order)."""
        combined = cls(errors[0].line, errors[0].detail)
        WorkflowError.__init__(combined, [p for e in errors for p in e.problems])
        return combined


def normalise_association_type(value: str) -> str | None:
    """The SageMaker spelling of an association type given in any case, or None."""
    for t in sm.association_types():
        if t.lower() == value.lower():
            return t
    return None


def normalise_action_status(value: str) -> str | None:
    """The SageMaker spelling of an action status given in any case, or None."""
    for s in sm.action_statuses():
        if s.lower() == value.lower():
            return s
    return None


def name_problem(name: str, kind: str) -> str | None:
    """Why ``name`` breaks SageMaker's naming rule for ``kind`` (context, action, artifact), or None."""
    if not name:
        return f"{kind} name is empty"
    if len(name) > sm.limits().name:
        return f"{kind} name {_short(name)} is longer than {sm.limits().name} characters"
    allowed = "letters, digits, '-' and '_'" if kind == "context" else "letters, digits and '-'"
    if not sm.kind("action" if kind == "artifact" else kind).name_fits(name):
        return (
            f"{kind} name {_short(name)} breaks SageMaker's rule: {allowed}, "
            "starting and ending with a letter or digit"
        )
    return None


def strip_comment(line: str) -> str:
    """The line without its comment: ``#`` at the start of a word, outside quotes, to the end of line."""
    quote = None
    escaped = False
    previous = " "
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif quote == "'":
            if ch == "'":
                quote = None
        elif ch == "\\":
            escaped = True
        elif quote == '"':
            if ch == '"':
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and previous.isspace():
            return line[:i]
        previous = ch
    return line


def split_line(line: str, number: int) -> list[str]:
    """Shell-style tokens of one line (comment removed); a quoting error names the line."""
    try:
        return shlex.split(strip_comment(line), comments=False, posix=True)
    except ValueError as exc:
        raise LineageSyntaxError(number, f"{str(exc).lower()}") from None


def parse_properties(tokens: list[str], number: int, what: str, value_max: int) -> dict[str, str]:
    """``k=v`` tokens -> dict; a token without ``=``, an empty or repeated key names the line."""
    props: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep:
            raise LineageSyntaxError(
                number, f"unexpected {_short(token)} in {what}: properties are key=value"
            )
        if not key:
            raise LineageSyntaxError(number, f"bad property {_short(token)}: the key before '=' is empty")
        if key in props:
            raise LineageSyntaxError(number, f"property {_short(key)} given twice")
        if len(key) > sm.limits().property_key:
            raise LineageSyntaxError(
                number, f"property key {_short(key)} is longer than {sm.limits().property_key}"
            )
        if len(value) > value_max:
            raise LineageSyntaxError(number, f"value of property {_short(key)} is longer than {value_max}")
        props[key] = value
    if len(props) > sm.limits().properties:
        raise LineageSyntaxError(
            number, f"{len(props)} properties: SageMaker allows at most {sm.limits().properties}"
        )
    return props


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _check_type(value: str, number: int, kind: str) -> str:
    if not value:
        raise LineageSyntaxError(number, f"{kind} type is empty")
    if len(value) > sm.limits().type:
        raise LineageSyntaxError(number, f"{kind} type is longer than {sm.limits().type} characters")
    return value


def _check_uri(value: str, number: int, kind: str) -> str:
    if not value:
        raise LineageSyntaxError(number, f"{kind} URI is empty")
    if len(value) > sm.limits().uri:
        raise LineageSyntaxError(number, f"{kind} URI is longer than {sm.limits().uri} characters")
    return value


_USAGE = {
    "artifact": "artifact NAME TYPE URI [k=v ...]",
    "action": "action NAME TYPE [uri=URI] [status=S] [k=v ...]",
    "context": "context NAME TYPE [uri=URI] [k=v ...]",
    "property": "property k=v ...",
}


def parse_declaration(kind: str, tokens: list[str], number: int) -> EntityDecl:
    """``NAME TYPE ...`` tokens of an artifact, action or context declaration -> EntityDecl."""
    needed = 3 if kind == "artifact" else 2
    if len(tokens) < needed:
        missing = ["NAME", "TYPE", "URI"][len(tokens) : needed]
        raise LineageSyntaxError(number, f"{kind} needs {' and '.join(missing)}: {_USAGE[kind]}")
    name, type_ = tokens[0], tokens[1]
    problem = name_problem(name, kind)
    if problem:
        raise LineageSyntaxError(number, problem)
    _check_type(type_, number, kind)
    value_max = sm.limits().property_value[kind]
    if kind == "artifact":
        uri = _check_uri(tokens[2], number, kind)
        return EntityDecl(
            kind, name, type_, uri, None, parse_properties(tokens[3:], number, kind, value_max), number
        )
    props = parse_properties(tokens[2:], number, kind, value_max)
    uri = props.pop("uri", None)
    if uri is not None:
        _check_uri(uri, number, kind)
    status = None
    if kind == "action" and "status" in props:
        given = props.pop("status")
        status = normalise_action_status(given)
        if status is None:
            raise LineageSyntaxError(
                number,
                f"unknown action status {_short(given)}{did_you_mean(given, sm.action_statuses())}; "
                f"use one of {', '.join(sm.action_statuses())}",
            )
    return EntityDecl(kind, name, type_, uri, status, props, number)


def _parse_edges(tokens: list[str], number: int) -> list[EdgeDecl]:
    body, type_ = tokens, None
    if tokens[-1] == ARROW:
        raise LineageSyntaxError(number, "'->' needs an entity after it")
    if len(tokens) % 2 == 0 and tokens[-2] != ARROW:
        body, given = tokens[:-1], tokens[-1]
        type_ = normalise_association_type(given)
        if type_ is None:
            raise LineageSyntaxError(
                number,
                f"unknown association type {_short(given)}{did_you_mean(given, sm.association_types())}; "
                f"use one of {', '.join(sm.association_types())} (or a missing '->'?)",
            )
    if body[0] == ARROW:
        raise LineageSyntaxError(number, "'->' needs an entity before it")
    for i, token in enumerate(body):
        if i % 2 == 1 and token != ARROW:
            raise LineageSyntaxError(
                number, f"expected '->' between {_short(body[i - 1])} and {_short(token)}"
            )
        if i % 2 == 0 and token == ARROW:
            raise LineageSyntaxError(number, "'->' needs an entity between two arrows")
        if i % 2 == 0 and not token:
            raise LineageSyntaxError(number, "an edge endpoint is empty")
    names = body[0::2]
    edges = []
    for source, destination in zip(names, names[1:], strict=False):
        if source == destination:
            raise LineageSyntaxError(number, f"{_short(source)} cannot be linked to itself")
        edges.append(EdgeDecl(source, destination, type_, number))
    return edges


def _split_arrows(tokens: list[str]) -> list[str]:
    """``a->b`` written without spaces -> ``a``, ``->``, ``b``."""
    out: list[str] = []
    for token in tokens:
        if ARROW in token and token != ARROW:
            parts = token.split(ARROW)
            for j, part in enumerate(parts):
                if j:
                    out.append(ARROW)
                if part:
                    out.append(part)
        else:
            out.append(token)
    return out


def parse_cell(
    cell: str,
    context: str,
    *,
    context_type: str | None = None,
    source_uri: str | None = None,
    description: str | None = None,
    first_line: int = 2,
) -> WorkflowSpec:
    """Parse and validate a whole ``%%lineage context`` cell into a WorkflowSpec.

    ``first_line`` is the number of the cell's first body line (2: the magic line is line 1).
    Raises :class:`LineageSyntaxError` listing every problem, each a line naming its cell line.
    """
    magic_line = first_line - 1
    problem = name_problem(context, "context")
    if problem:
        raise LineageSyntaxError(magic_line, problem)
    if context_type is not None:
        _check_type(context_type, magic_line, "context")
    if source_uri is not None:
        _check_uri(source_uri, magic_line, "context")
    if description is not None and len(description) > sm.limits().description:
        raise LineageSyntaxError(
            magic_line, f"description is longer than {sm.limits().description} characters"
        )

    spec = WorkflowSpec(context=context, source_uri=source_uri, description=description)
    if context_type is not None:
        spec.context_type = context_type
    declared: dict[str, int] = {}
    property_lines: dict[str, int] = {}
    edge_lines: dict[tuple[str, str], int] = {}

    def parse_line(number: int, raw: str) -> None:
        raw = raw.rstrip("\r")
        bad = next((c for c in raw if c in _LINE_BREAKS or c == "\x00"), None)
        if bad is not None:
            raise LineageSyntaxError(number, f"control character {bad!r} is not allowed")
        tokens = split_line(raw, number)
        if not tokens:
            return
        head = tokens[0].lower()
        if head in KEYWORDS and (len(tokens) < 2 or tokens[1] != ARROW):
            rest = tokens[1:]
            if head == "property":
                if not rest:
                    raise LineageSyntaxError(number, f"property needs key=value pairs: {_USAGE['property']}")
                for key, value in parse_properties(
                    rest, number, "property", sm.limits().property_value["context"]
                ).items():
                    if key in property_lines:
                        raise LineageSyntaxError(
                            number, f"property {_short(key)} already set on line {property_lines[key]}"
                        )
                    property_lines[key] = number
                    spec.properties[key] = value
                if len(spec.properties) > sm.limits().properties:
                    raise LineageSyntaxError(
                        number,
                        f"{len(spec.properties)} context properties: SageMaker allows {sm.limits().properties}",
                    )
                return
            decl = parse_declaration(head, rest, number)
            if decl.name == context:
                raise LineageSyntaxError(number, f"{_short(decl.name)} is the name of the cell's context")
            if decl.name in declared:
                raise LineageSyntaxError(
                    number, f"{_short(decl.name)} is already declared on line {declared[decl.name]}"
                )
            declared[decl.name] = number
            spec.entities.append(decl)
            return
        if head not in KEYWORDS:
            tokens = _split_arrows(tokens)
        if ARROW not in tokens:
            raise LineageSyntaxError(
                number,
                f"unknown declaration {_short(tokens[0])}{did_you_mean(tokens[0], KEYWORDS)}; "
                "expected artifact, action, context, property or 'A -> B [TYPE]'",
            )
        for edge in _parse_edges(tokens, number):
            key = (edge.source, edge.destination)
            if key in edge_lines:
                raise LineageSyntaxError(
                    number,
                    f"edge {edge.source} -> {edge.destination} is already declared on line {edge_lines[key]}",
                )
            edge_lines[key] = number
            spec.edges.append(edge)

    problems: list[LineageSyntaxError] = []
    for offset, raw in enumerate(cell.split("\n")):
        try:
            parse_line(first_line + offset, raw)
        except LineageSyntaxError as exc:
            problems.append(exc)
    if problems:
        raise LineageSyntaxError.of(problems)
    return spec
