"""One registry, two front ends: help with examples, shell completion, progress bars only on a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios

import pytest

from lineage_magics.cli import commands
from lineage_magics.magics.parsing import split_args
from lineage_magics.magics.registry import COMMAND_NAMES, VERB_NAMES, get_verb

from .conftest import LINEAGE, command_env

FRONT_END_OPTIONS = {"magic": {"-o", "--format", "--out"}, "cli": {"--format", "--out", "-q", "--quiet", "--url",
                                                                   "--debug"}}  # fmt: skip


def _options(parser, frontend: str) -> set[str]:
    return set(parser.option_strings()) - FRONT_END_OPTIONS[frontend]


@pytest.mark.parametrize("name", sorted(set(VERB_NAMES) & set(COMMAND_NAMES)))
def test_a_verb_has_the_same_arguments_in_both_front_ends(name):
    verb = get_verb(name)
    cli = commands.command_parser(name)
    assert _options(verb.parser, "magic") == _options(cli, "cli")
    positionals = [(a.dest, a.nargs) for a in verb.parser._actions if not a.option_strings]
    assert positionals == [(a.dest, a.nargs) for a in cli._actions if not a.option_strings]
    assert cli.description == verb.summary


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_command_has_help_with_examples_that_parse(name):
    text = commands.help_text(name)
    assert text.startswith(f"usage: lineage {name}") and "%config" not in text
    examples = text.split("\nexample:\n", 1)[1].splitlines()
    assert examples
    for example in examples:
        words = split_args(example.strip().split("| ")[-1])
        assert words[:2] == ["lineage", name], example
        commands.command_parser(name).parse(words[2:])  # raises UsageError if it does not parse


def test_help_from_the_console_script(tmp_path):
    done = subprocess.run(
        [str(LINEAGE), "--help"], capture_output=True, text=True, env=command_env(tmp_path, None)
    )
    assert done.returncode == 0
    for name in (*COMMAND_NAMES, "serve"):
        assert f"    {name} " in done.stdout
    assert "Exit codes" in done.stdout and "--completion" in done.stdout
    verb = subprocess.run([str(LINEAGE), "trace", "--help"], capture_output=True, text=True,
                          env=command_env(tmp_path, None))  # fmt: skip
    assert verb.returncode == 0 and "--require-type" in verb.stdout
    assert "  lineage trace mnist-model --direction up --depth 5\n" in verb.stdout


BASH = r"""
eval "$(lineage --completion bash)"
complete_line() {
  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$1"
  [[ "$1" == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  _python_argcomplete lineage
  printf '%s\n' "${COMPREPLY[@]}"
  echo "--"
}
complete_line "lineage tr"
complete_line "lineage trace mnist-model --dir"
complete_line "lineage trace mnist-model --direction "
complete_line "lineage list artifacts --format "
"""


def test_bash_completes_commands_options_and_choices(tmp_path):
    env = command_env(tmp_path, None)
    env["PATH"] = f"{LINEAGE.parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["bash", "-c", BASH], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    answers = [block.split() for block in done.stdout.split("--\n")[:-1]]
    assert answers == [["trace"], ["--direction"], ["up", "down", "both"], ["text", "json", "csv"]]


def test_progress_bars_only_when_stderr_is_a_terminal(tmp_path):
    url = f"sqlite:///{tmp_path / 'lineage.db'}"
    from lineage_magics import LineageClient
    from lineage_magics.magics.dsl import parse_cell

    from .conftest import WORKFLOW

    LineageClient(url).apply(parse_cell(WORKFLOW.split("\n", 1)[1], "mnist-workflow"))
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    try:
        proc = subprocess.run([str(LINEAGE), "cleanup", "mnist-workflow"], stdout=subprocess.PIPE,
                              stderr=secondary, env=command_env(tmp_path, url), timeout=120)  # fmt: skip
        os.close(secondary)
        secondary = -1
        seen = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal's other side has closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(primary)
        if secondary != -1:
            os.close(secondary)
    assert proc.returncode == 0 and proc.stdout.startswith(b"mnist-workflow: deleted 5 entities")
    assert b"cleanup mnist-workflow" in seen and b"%|" in seen  # tqdm's bar, on the terminal only
