"""Loading, settings, help, "did you mean", and errors without tracebacks, in a real InteractiveShell."""

from __future__ import annotations

import subprocess
import sys

import pytest
from IPython.core.error import UsageError

from .conftest import make_shell, ok, run


def test_import_registers_nothing_and_stays_light():
    code = (
        "import sys, lineage_magics, lineage_magics.magics\n"
        "heavy = {'boto3', 'botocore', 'graphviz', 'pandas', 'ipywidgets', 'IPython'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_loading_imports_no_backend_libraries():
    code = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_line_magic('load_ext', 'lineage_magics')\n"
        "heavy = {'boto3', 'botocore', 'graphviz', 'pandas', 'ipywidgets'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_load_is_idempotent_and_unload_removes(ip):
    from lineage_magics.magics import load_ipython_extension, unload_ipython_extension

    instance = ip.magics_manager.registry["LineageMagics"]
    load_ipython_extension(ip)
    assert ip.magics_manager.registry["LineageMagics"] is instance
    assert sum(type(c).__name__ == "LineageMagics" for c in ip.configurables) == 1
    out = run(ip, "%load_ext lineage_magics")
    assert out.error is None
    unload_ipython_extension(ip)
    assert "lineage" not in ip.magics_manager.magics["line"]
    assert "lineage" not in ip.magics_manager.magics["cell"]
    assert not any(type(c).__name__ == "LineageMagics" for c in ip.configurables)
    load_ipython_extension(ip)
    assert "lineage" in ip.magics_manager.magics["cell"]


def test_reload_ext_works(ip):
    out = run(ip, "%reload_ext lineage_magics")
    assert out.error is None, out
    assert sum(type(c).__name__ == "LineageMagics" for c in ip.configurables) == 1
    assert ok(ip, "%lineage help").stdout.startswith("%lineage VERB")


def test_config_lists_every_setting(ip):
    out = ok(ip, "%config LineageMagics")
    for name in (
        "url",
        "default_depth",
        "max_vertices",
        "displaylimit",
        "short_errors",
        "progress",
        "fresh_for",
    ):
        assert f"LineageMagics.{name}=" in out.stdout
    assert "Current: 3" in out.stdout and "Current: 150" in out.stdout and "Current: 50" in out.stdout


SETTINGS = ("default_depth", "max_vertices", "displaylimit", "url", "fresh_for")


def test_config_sets_and_validates(ip):
    magics = ip.magics_manager.registry["LineageMagics"]
    ok(ip, "%config LineageMagics.default_depth = 5")
    assert magics.default_depth == 5
    for bad in (
        "default_depth = 0",
        "default_depth = 101",
        "max_vertices = 0",
        "displaylimit = -1",
        "url = 'ftp://x'",
        "url = 'sagemaker://nowhere'",
        "short_errors = 'maybe'",
        "fresh_for = -1",
    ):
        before = {n: getattr(magics, n) for n in SETTINGS}
        run(ip, f"%config LineageMagics.{bad}")
        after = {n: getattr(magics, n) for n in SETTINGS}
        assert after == before, bad
    assert magics.short_errors is True


def test_fresh_for_reaches_the_client_now_and_when_it_is_rebuilt(ip):
    magics = ip.magics_manager.registry["LineageMagics"]
    ok(ip, "%config LineageMagics.fresh_for = 0")
    assert magics.client.fresh_for == 0
    ok(ip, "%config LineageMagics.fresh_for = 5.5")
    assert magics.client.fresh_for == 5.5
    ok(ip, "%lineage use memory://")
    assert magics.client.fresh_for == 5.5


def test_settings_come_from_ipython_config():
    from traitlets.config import Config

    config = Config()
    config.HistoryAccessor.enabled = False
    config.LineageMagics.default_depth = 7
    config.LineageMagics.displaylimit = 0
    config.LineageMagics.url = "memory://"
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell(config=config)
    shell.run_line_magic("load_ext", "lineage_magics")
    magics = shell.magics_manager.registry["LineageMagics"]
    assert (magics.default_depth, magics.displaylimit, magics.url) == (7, 0, "memory://")


VERBS = "use status list show create link unlink trace impact diff delete cleanup export copy import form runs context track".split()


def test_help_lists_every_verb_with_an_example(ip):
    doc = ip.find_line_magic("lineage").__doc__
    assert doc == ip.find_cell_magic("lineage").__doc__
    for verb in VERBS:
        prefix = "%%lineage" if verb in ("context", "track") else "%lineage"
        assert f"usage: {prefix} {verb}" in doc, verb
    assert doc.count("  example: ") == len(VERBS)
    assert len(doc.splitlines()) < 120  # the overview; each verb's detail is behind %lineage help VERB
    for option in (
        "--direction",
        "--depth",
        "--lineage-type",
        "--cascade",
        "--dry-run",
        "--prune",
        "--format",
    ):
        assert option in doc


@pytest.mark.parametrize("query", ["%lineage?", "%%lineage?"])
def test_question_mark_shows_generated_help(ip, query):
    out = ok(ip, query)
    for verb in VERBS:
        assert f" {verb} " in out.stdout
    assert "usage: %lineage trace" in out.stdout and "usage: %%lineage context" in out.stdout
    assert "%lineage trace mnist-model --direction up --depth 5" in out.stdout


def test_verb_help_without_systemexit(ip):
    out = ok(ip, "%lineage trace --help")
    assert "usage: %lineage trace" in out.stdout and "example:" in out.stdout
    out = ok(ip, "%lineage help link")
    assert out.stdout.startswith("usage: %lineage link [-o NAME] SRC DST [TYPE]")
    out = ok(ip, "%lineage")
    for verb in VERBS:
        assert f" {verb} " in out.stdout


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("trce x", ["has no verb 'trce'", "did you mean 'trace'", "Valid verbs are: use, status"]),
        ("lst contexts", ["did you mean 'list'"]),
        ("trace x --dept 3", ["unknown option '--dept'", "did you mean '--depth'"]),
        ("delete x --cascde", ["did you mean '--cascade'"]),
        ("trace x --depth two", ["argument --depth: invalid int value: 'two'"]),
        ("trace x --depth 0", ["must be at least 1"]),
        ("trace x --direction sideways", ["invalid choice: 'sideways'"]),
        ("trace x --lineage-type Artefact", ["did you mean 'Artifact'"]),
        ("list contxts", ["unknown kind 'contxts'", "did you mean 'contexts'"]),
        ("link a b producd", ["did you mean 'Produced'"]),
        ("trace", ["the following arguments are required: REF"]),
        ("trace x -o 1bad", ["not a Python variable name"]),
        ("use ftp://x", ["not a lineage URL"]),
        ("show 'unclosed", ["no closing quotation"]),
        ("context wf", ["context is a cell verb"]),
        ("export x", ["give --format"]),
    ],
)
def test_usage_errors_are_one_line_without_traceback(ip, line, words):
    with pytest.raises(UsageError) as info:
        ip.run_line_magic("lineage", line)
    for word in words:
        assert word in str(info.value)
    out = run(ip, f"%lineage {line}")
    assert isinstance(out.error, UsageError)
    assert out.stderr.startswith("UsageError: ") and out.stderr.count("\n") == 1
    assert "Traceback" not in out.stdout + out.stderr


def test_cell_form_of_a_line_verb_is_a_usage_error(ip):
    out = run(ip, "%%lineage trace x\nwhatever")
    assert isinstance(out.error, UsageError)
    assert "trace is a line verb" in out.stderr


def test_a_second_shell_gets_its_own_settings():
    one, two = make_shell(), make_shell()
    ok(one, "%config LineageMagics.default_depth = 9")
    assert two.magics_manager.registry["LineageMagics"].default_depth == 3


def test_verb_help_does_not_follow_the_terminal_width(ip, monkeypatch):
    from lineage_magics.magics.parsing import VerbParser

    monkeypatch.setenv("COLUMNS", "37")

    def text():
        p = VerbParser("trace", "the lineage graph around an entity")
        p.add_argument(
            "--direction", help="follow associations up (to what it came from), down, or both ways"
        )
        return p.format_help()

    at_37 = text()
    monkeypatch.setenv("COLUMNS", "200")
    assert text() == at_37
    assert "follow associations up (to what it came from), down, or both ways" in at_37
