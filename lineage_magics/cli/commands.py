"""The command's parsers, built from the verb registry, and one run: parse, run the verb, write its Result."""

from __future__ import annotations

import argparse
import sys

from IPython.core.error import UsageError

from ..connect import FORMS, check_url
from ..magics.parsing import VerbParser
from ..magics.registry import COMMAND_NAMES, get_verb
from ..magics.session import DEFAULT_DEPTH, DISPLAYLIMIT, MAX_VERTICES, Session
from ..text import did_you_mean
from . import output, serve

SHELLS = ("bash", "zsh", "fish", "tcsh", "powershell")
NAMES = (*COMMAND_NAMES, "serve")
SERVE_SUMMARY = "serve the local SageMaker lineage service over HTTP (JSON 1.1)"
DESCRIPTION = "The verbs of the %lineage magic, from a terminal, a script or a CI job."
EPILOG = f"""The store: --url URL ({FORMS}), else $LINEAGE_MAGICS_URL, else the default local store.
Output: text on stdout; --format json|csv|dot|svg|png|mermaid|openlineage where the command has them;
--out FILE writes to FILE (its extension picks the format); --quiet prints nothing but errors.
Exit codes: 0 done; 1 a lineage error (not found, refused, a service error) or a failed --check, as one
line on stderr; 2 a usage error.
`lineage COMMAND --help` shows a command's options and examples.
Shell completion: eval "$(lineage --completion bash)" (also zsh, fish; or register-python-argcomplete lineage)."""


class TopParser(argparse.ArgumentParser):
    """``lineage``'s own options; errors are one-line UsageErrors."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")


def _top() -> TopParser:
    top = TopParser(
        prog="lineage",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
        add_help=False,
    )
    top.add_argument("-h", "--help", action="store_true", help="show this help (with every command)")
    top.add_argument("--url", help="the store (default: $LINEAGE_MAGICS_URL, else the local store)")
    top.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors; no progress bars")
    top.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    top.add_argument("--completion", choices=SHELLS, help="print the shell code that completes lineage")
    return top


def _fill(name: str, parser: VerbParser) -> None:
    """Give ``parser`` the arguments of the command ``name``: the verb's own, then the command's."""
    if name == "serve":
        serve.build(parser)
        return
    verb = get_verb(name)
    verb.build(parser)
    output.add_options(parser, verb.command_formats)
    parser.add_argument(
        "--url", default=None, help="the store (default: $LINEAGE_MAGICS_URL, else the local store)"
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")


def _summary(name: str) -> str:
    return SERVE_SUMMARY if name == "serve" else get_verb(name).summary


def parser() -> TopParser:
    """The whole tree (help and shell completion): ``lineage`` and every command."""
    top = _top()
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=VerbParser)
    for name in NAMES:
        summary = _summary(name)
        _fill(name, commands.add_parser(name, help=summary, description=summary, frontend="cli"))
    return top


def command_parser(name: str) -> VerbParser:
    """The parser of one command, ``lineage NAME``."""
    parser = VerbParser(prog=f"lineage {name}", description=_summary(name), frontend="cli")
    _fill(name, parser)
    return parser


def help_text(name: str) -> str:
    """A command's usage, options, details and examples."""
    parser = command_parser(name)
    text = parser.format_help().rstrip()
    for setting, value in (("default_depth", DEFAULT_DEPTH), ("max_vertices", MAX_VERTICES),
                           ("displaylimit", DISPLAYLIMIT)):  # fmt: skip
        text = text.replace(f"%config {setting}", str(value))
    if name == "serve":
        return text + "\n\nexample:\n  lineage serve --db lineage.db --port 8700"
    verb = get_verb(name)
    if verb.details:
        text += "\n\n" + verb.details.strip("\n").replace("%%lineage context", "`%%lineage context`")
    examples = "\n".join(f"  {e}" for e in verb.command_examples(parser))
    return f"{text}\n\nexample:\n{examples}" if examples else text


def _split(argv: list[str]) -> tuple[list[str], str | None, list[str]]:
    """``lineage``'s own options, the command's name, and the command's arguments."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in ("--url", "--completion"):
            i += 2
        elif token.startswith("-"):
            i += 1
        else:
            return argv[:i], token, argv[i + 1 :]
    return argv, None, []


def prog_of(argv: list[str]) -> str:
    """``lineage NAME`` for error lines (``lineage`` before a command is named)."""
    _, name, _ = _split(argv)
    return f"lineage {name}" if name in NAMES else "lineage"


def run(argv: list[str]) -> tuple[str, int]:
    """Parse ``argv``, run the command; ``(prog, exit code)``. Raises UsageError and lineage errors."""
    head, name, rest = _split(argv)
    top = _top()
    options = top.parse_args(head)
    if options.help:
        print(parser().format_help())
        return "lineage", 0
    if options.completion:
        import argcomplete

        print(argcomplete.shellcode(["lineage"], shell=options.completion))
        return "lineage", 0
    if name is None:
        print(parser().format_help(), file=sys.stderr)
        return "lineage", 2
    if name not in NAMES:
        raise UsageError(
            f"lineage: no command {name!r}{did_you_mean(name, NAMES)}; commands: {', '.join(NAMES)}"
        )
    prog = f"lineage {name}"
    if any(t in ("-h", "--help") for t in rest):
        print(help_text(name))
        return prog, 0
    args = command_parser(name).parse(rest)
    if name == "serve":
        return prog, serve.run(args)
    verb = get_verb(name)
    format = output.chosen_format(prog, args, verb.command_formats)
    quiet = bool(args.quiet or options.quiet)
    url = args.url or options.url
    if url:
        try:
            url = check_url(url)
        except ValueError as exc:
            raise UsageError(f"{prog}: --url: {exc}") from None
    session = Session(url, progress=sys.stderr.isatty() and not quiet)
    result = verb.run(session, args, None)
    output.write(prog, result, format, args.out, quiet)
    for line in (result.problem, result.failed):
        if line:
            print(output.error_line(prog, line), file=sys.stderr)
            return prog, 1
    return prog, 0
