"""The verbs, once for both front ends: ``%lineage VERB`` in a notebook and ``lineage VERB`` in a terminal.

A :class:`Verb` is a name, a summary, ``build(parser)`` (its arguments), ``run(session, args, body)``
(the work, returning a :class:`Result`) and examples. The magic shows a Result (``-o NAME`` stores it);
the ``lineage`` command prints it as text or writes it ``--format json|csv|...``. A session is the
front end's side of a call: ``client``, ``current_url``, ``default_depth``, ``max_vertices``,
``displaylimit`` (:class:`~lineage_magics.magics.core.LineageMagics` in a notebook,
:class:`~lineage_magics.magics.session.Session` in the command).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from IPython.core.error import UsageError

from .parsing import VerbParser, split_args

# verb name -> module under lineage_magics.magics (the order of the help text)
_MODULES = {
    "use": "verbs.use",
    "status": "verbs.status",
    "list": "verbs.listing",
    "show": "verbs.show",
    "create": "verbs.create",
    "link": "verbs.link",
    "unlink": "verbs.link",
    "trace": "verbs.trace",
    "impact": "verbs.analysis",
    "diff": "verbs.analysis",
    "delete": "verbs.delete",
    "cleanup": "verbs.delete",
    "export": "verbs.export",
    "copy": "verbs.copy",
    "import": "verbs.copy",
    "form": "verbs.form",
    "runs": "verbs.runs",
    "context": "verbs.context",
    "apply": "verbs.context",
    "track": "track",
}
NOTEBOOK_ONLY = ("use", "form", "context", "track")  # the command has --url; forms and cells need a kernel
COMMAND_ONLY = ("apply",)  # the `%%lineage context` cell read from a file or stdin
VERB_NAMES = tuple(n for n in _MODULES if n not in COMMAND_ONLY)  # %lineage VERB
COMMAND_NAMES = tuple(n for n in _MODULES if n not in NOTEBOOK_ONLY)  # lineage VERB
CELL_VERBS = ("context", "track")

# What a Result can be written as by the command, by the kind of result a verb returns.
GRAPH_FORMATS = ("text", "json", "csv", "dot", "svg", "png", "mermaid", "openlineage")
OUTPUTS = {
    "graph": GRAPH_FORMATS,  # Result.graph: every renderer of render.formats, csv = one row a vertex
    "table": ("text", "json", "csv"),  # Result.rows
    "record": ("text", "json"),  # Result.data
}

_SAME = object()


class Result:
    """What a verb did, for either front end.

    ``shown``: what a notebook displays (its ``repr`` is the terminal text unless ``text`` is given);
    ``value``: what ``-o NAME`` stores (default ``shown``); ``graph``: a LineageGraph result;
    ``rows``: a table (dicts, one a row; ``columns`` for the text table, ``note`` a line under it);
    ``data``: the JSON answer;
    ``problem``: a failed ``--check`` (the command prints the result, then this line, and exits 1;
    the magic raises it); ``failed``: work that partly failed (the command prints the result, then this
    line, and exits 1; the notebook shows the result, which lists the failures); ``json_options``: what
    a graph's JSON export is given (``{"properties": False}``).
    """

    def __init__(
        self,
        shown: Any = None,
        *,
        value: Any = _SAME,
        text: str | None = None,
        graph: Any = None,
        rows: list[dict] | None = None,
        columns: list[str] | None = None,
        note: str | None = None,
        data: Any = None,
        problem: str | None = None,
        failed: str | None = None,
        json_options: dict | None = None,
    ) -> None:
        self.shown = graph if shown is None else shown
        self.value = self.shown if value is _SAME else value
        self.text = text
        self.graph = graph
        self.rows = rows
        self.columns = columns
        self.note = note
        self.data = data
        self.problem = problem
        self.failed = failed
        self.json_options = json_options or {}

    def __repr__(self) -> str:
        return f"<Result {self.shown!r}>"


@dataclass
class Verb:
    """One verb: ``build`` adds its arguments to a parser; ``run(session, args, body)`` does the work and
    returns a :class:`Result` (a notebook-only verb may return what the notebook shows).

    ``output``: graph, table or record (the formats the command offers, :data:`OUTPUTS`);
    ``display(session, args, result)``: the notebook's own presentation, when it is more than
    ``result.shown`` (a Result again); ``terminal_examples``: examples only the command has."""

    name: str
    summary: str
    build: Callable[[VerbParser], None]
    run: Callable[[Any, Any, str | None], Any]
    examples: tuple[str, ...]
    cell: bool = False
    details: str = ""
    output: str = "record"
    formats: tuple[str, ...] | None = None  # the command's --format choices (default: OUTPUTS[output])
    display: Callable[[Any, Any, Result], Result] | None = None
    terminal_examples: tuple[str, ...] = ()
    _parser: VerbParser | None = field(default=None, repr=False)

    @property
    def command_formats(self) -> tuple[str, ...]:
        """What ``lineage VERB --format`` offers."""
        return self.formats or OUTPUTS[self.output]

    @property
    def parser(self) -> VerbParser:
        """The notebook's parser (``%lineage VERB``)."""
        if self._parser is None:
            self._parser = VerbParser(self.name, self.summary)
            if self.cell:
                self._parser.prog = f"%%lineage {self.name}"
            self.build(self._parser)
        return self._parser

    def help(self) -> str:
        """Usage, description, options and examples of this verb."""
        text = self.parser.format_help().rstrip()
        if self.details:
            text += "\n\n" + self.details.strip("\n")
        examples = "\n".join(f"  {e}" for e in self.examples)
        return f"{text}\n\nexample:\n{examples}"

    def command_examples(self, parser: VerbParser) -> list[str]:
        """The examples as terminal commands: each notebook example that ``parser`` (the command's)
        accepts once ``%lineage`` is ``lineage`` and ``-o NAME`` is gone, then ``terminal_examples``."""
        out = []
        for example in self.examples:
            if "\n" in example or not example.startswith("%lineage "):
                continue
            words = split_args(example)[2:]
            words = [w for i, w in enumerate(words) if w != "-o" and (i == 0 or words[i - 1] != "-o")]
            try:
                parser.parse(words)
            except UsageError:  # a notebook-only option: not a terminal example
                continue
            out.append(re.sub(r"\s+-o\s+\w+", "", "lineage " + example[len("%lineage ") :]))
        return out + list(self.terminal_examples)


def get_verb(name: str) -> Verb:
    """The Verb called ``name`` (KeyError when there is none)."""
    module = importlib.import_module(f".{_MODULES[name]}", __package__)
    return module.VERBS[name]


def overview() -> str:
    """The list of verbs, one line each."""
    lines = ["%lineage VERB [ARGS] [OPTIONS]   line verbs;   %%lineage context|track ...   cell verbs", ""]
    for name in VERB_NAMES:
        verb = get_verb(name)
        prefix = "%%lineage" if verb.cell else "%lineage"
        lines.append(f"  {prefix} {name:<8} {verb.summary}")
    lines.append("")
    lines.append("`%lineage VERB --help` shows one verb; `%config LineageMagics` lists the settings.")
    lines.append("The same verbs in a terminal: `lineage --help`.")
    return "\n".join(lines)


def full_help() -> str:
    """The docstring of %lineage / %%lineage (``%lineage?``): the overview, then each verb's usage and
    one example; a verb's options and details are behind ``%lineage help VERB``."""
    parts = [
        "Lineage tracking for SageMaker ML Lineage (and the embedded local service).",
        "",
        overview(),
        "",
        "$var and {expr} in the line expand as in any IPython magic. A trailing ';' silences the output.",
        "Errors are one line; `%config LineageMagics.short_errors = False` shows the full traceback.",
    ]
    parts += ["", "`%lineage help VERB` (or `%lineage VERB --help`) shows a verb's options and examples.", ""]
    for name in VERB_NAMES:
        verb = get_verb(name)
        parts += [verb.parser.format_usage().rstrip(), f"  example: {verb.examples[0]}"]
    return "\n".join(parts)
