"""The verbs of %lineage: each a name, a parser, a runner and examples; help text generated from them."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .parsing import VerbParser

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
    "track": "track",
}
VERB_NAMES = tuple(_MODULES)
CELL_VERBS = ("context", "track")


@dataclass
class Verb:
    """One verb: ``build`` adds its arguments to a parser; ``run(magics, args, cell)`` does the work."""

    name: str
    summary: str
    build: Callable[[VerbParser], None]
    run: Callable[[Any, Any, str | None], Any]
    examples: tuple[str, ...]
    cell: bool = False
    details: str = ""
    _parser: VerbParser | None = field(default=None, repr=False)

    @property
    def parser(self) -> VerbParser:
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
