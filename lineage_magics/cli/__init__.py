# PYTHON_ARGCOMPLETE_OK
"""The ``lineage`` command: the verbs of ``%lineage`` from a terminal, a script or a CI job, plus ``serve``.

One registry (:mod:`lineage_magics.magics.registry`) defines each verb's arguments, help, examples and
work; this front end adds ``--url``, ``--format``, ``--out`` and ``--quiet``, and prints a verb's Result.
Exit codes: 0 done, 1 a lineage error or a failed check (one line on stderr), 2 a usage error.
"""

from __future__ import annotations

import os
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run ``lineage ARGS``; returns the exit code."""
    from IPython.core.error import UsageError

    from ..errors import LineageError, map_error
    from . import commands, output

    argv = list(sys.argv[1:] if argv is None else argv)
    if "_ARGCOMPLETE" in os.environ:  # a shell asking for completions (argcomplete's protocol)
        import argcomplete

        argcomplete.autocomplete(commands.parser())
    debug = "--debug" in argv
    try:
        return commands.run(argv)[1]
    except UsageError as exc:
        print(output.error_line(commands.prog_of(argv), exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{commands.prog_of(argv)}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `lineage list artifacts | head`: the reader has gone
        _quiet_stdout()
        return 0
    except Exception as exc:
        if debug:
            raise
        mapped = exc if isinstance(exc, LineageError) else map_error(exc)
        if mapped is not None:
            print(output.error_line(commands.prog_of(argv), mapped), file=sys.stderr)
            return 1
        what = f"{type(exc).__name__}: {exc}"
        print(output.error_line(commands.prog_of(argv), f"unexpected {what} (--debug shows the traceback)"),
              file=sys.stderr)  # fmt: skip
        return 1


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
