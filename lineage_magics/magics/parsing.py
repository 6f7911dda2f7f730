"""Argument parsing for the %lineage verbs: argparse whose errors are UsageErrors, never SystemExit."""

from __future__ import annotations

import argparse
import shlex

from IPython.core.error import UsageError

from .. import sagemaker as sm
from ..text import did_you_mean
from .dsl import normalise_association_type, strip_comment

LINEAGE_TYPES = sm.LINEAGE_TYPES


HELP_WIDTH = 100  # a notebook's output has no terminal width: the help reads the same in every kernel


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, width=HELP_WIDTH)


class VerbParser(argparse.ArgumentParser):
    """The parser of one verb: ``-h`` is not an option, errors raise UsageError naming the verb.

    ``frontend`` is ``magic`` (``%lineage VERB``) or ``cli`` (``lineage VERB``, whose output options are
    the command's own): a verb's ``build`` adds the options of its front end."""

    def __init__(
        self, verb: str = "", description: str = "", *, prog: str | None = None, frontend: str = "magic", **kw
    ) -> None:
        super().__init__(
            prog=prog or f"%lineage {verb}",
            description=description,
            add_help=False,
            allow_abbrev=False,
            formatter_class=_help_formatter,
            **kw,
        )
        self.frontend = frontend

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None):
        raise UsageError(message or f"{self.prog}: exit {status}")

    def option_strings(self) -> list[str]:
        return [s for action in self._actions for s in action.option_strings]

    def parse(self, tokens: list[str]) -> argparse.Namespace:
        """Parse ``tokens`` (options and positionals in any order); unknown options get a "did you mean"."""
        args, extras = self.parse_known_intermixed_args(tokens)
        if extras:
            options = self.option_strings()
            unknown = next((t for t in extras if t.startswith("-") and len(t) > 1), None)
            if unknown is not None:
                name = unknown.split("=", 1)[0]
                raise UsageError(
                    f"{self.prog}: unknown option {name!r}{did_you_mean(name, options)}; "
                    f"options: {', '.join(options) or 'none'}"
                )
            raise UsageError(
                f"{self.prog}: unexpected {' '.join(extras)!r}; usage: {self.format_usage().strip().removeprefix('usage: ')}"
            )
        return args


def split_args(line: str) -> list[str]:
    """Shell-style words of a magic line (quotes removed; ARNs and URIs pass through; a ``#`` that starts
    a word, outside quotes, starts a comment, as in the cell DSL)."""
    try:
        return shlex.split(strip_comment(line), posix=True)
    except ValueError as exc:
        raise UsageError(f"%lineage: {str(exc).lower()} in {line!r}") from None


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def association_type(text: str) -> str:
    """argparse type: an association type in any case, normalised."""
    value = normalise_association_type(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"unknown association type {text!r}{did_you_mean(text, sm.association_types())}; "
            f"use one of {', '.join(sm.association_types())}"
        )
    return value


def lineage_type(text: str) -> str:
    """argparse type: Context, Action, Artifact or TrialComponent in any case, normalised."""
    for t in LINEAGE_TYPES:
        if t.lower() == text.lower().replace("-", ""):
            return t
    raise argparse.ArgumentTypeError(
        f"unknown lineage type {text!r}{did_you_mean(text, LINEAGE_TYPES)}; use one of {', '.join(LINEAGE_TYPES)}"
    )


def identifier(text: str) -> str:
    """argparse type: a Python variable name (for ``-o NAME``)."""
    import keyword

    if not text.isidentifier() or keyword.iskeyword(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Python variable name")
    return text


def add_var_option(parser: VerbParser, what: str = "the result") -> None:
    """``-o NAME``: store instead of display (a notebook's option: the command has --format and --out)."""
    if parser.frontend != "magic":
        return
    parser.add_argument(
        "-o",
        dest="var",
        metavar="NAME",
        type=identifier,
        help=f"store {what} in variable NAME instead of showing it",
    )


def add_trace_options(parser: VerbParser, formats: tuple[str, ...] | None = None) -> None:
    """Options shared by trace and export: direction, depth, filters, the vertex cap."""
    parser.add_argument(
        "--direction",
        choices=("up", "down", "both"),
        default="both",
        help="walk up (inputs), down (outputs) or both",
    )
    parser.add_argument(
        "--depth", type=positive_int, metavar="N", help="hops to follow (default: %%config default_depth)"
    )
    parser.add_argument(
        "--type",
        dest="types",
        nargs="+",
        action="extend",
        metavar="T",
        help="keep only vertices of these entity types",
    )
    parser.add_argument(
        "--lineage-type",
        dest="lineage_types",
        nargs="+",
        action="extend",
        type=lineage_type,
        metavar="L",
        help="keep only Context, Action, Artifact or TrialComponent vertices",
    )
    parser.add_argument(
        "--max",
        dest="max_vertices",
        type=positive_int,
        metavar="N",
        help="vertex cap (default: %%config max_vertices)",
    )
