"""The forms are the package ``lineage_magics.widgets``: a user's ``widgets`` module can never replace them.

The repository keeps them in its top-level ``widgets/`` folder; pyproject.toml installs that folder as
``lineage_magics.widgets``. These checks run in fresh interpreters whose working directory is not the
repository, as a notebook's kernel does (run from the repository root, ``import widgets`` would find the
folder itself through ``sys.path[0]``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# what a user might keep beside a notebook: it must be neither imported nor used by %lineage form
USER_WIDGETS = '''
"""A notebook's own helpers, named widgets."""
FORMS = {}
OWNER = "user"


def form(*args, **kwargs):
    return "the user's form"
'''


def python(code: str, cwd: Path) -> str:
    """Run ``code`` in a fresh interpreter started in ``cwd`` (first on its sys.path); its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HOME=str(cwd), LINEAGE_MAGICS_URL="memory://")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_widgets_module_beside_the_notebook_does_not_take_over_lineage_form(tmp_path):
    (tmp_path / "widgets.py").write_text(USER_WIDGETS)
    out = python(
        """
        import importlib.util, sys
        from pathlib import Path

        # as in a kernel: the notebook's folder comes first, and its widgets.py is importable
        assert Path(sys.path[0] or ".").resolve() == Path.cwd(), sys.path[:2]
        assert Path(importlib.util.find_spec("widgets").origin).resolve() == Path.cwd() / "widgets.py"

        from IPython.core.interactiveshell import InteractiveShell

        ip = InteractiveShell.instance()
        ip.run_line_magic("load_ext", "lineage_magics")
        ip.run_line_magic("config", "LineageMagics.progress = False")
        ip.run_line_magic("lineage", "use memory://")
        shown = ip.run_line_magic("lineage", "form entity")

        from lineage_magics.widgets import EntityForm

        assert type(shown) is EntityForm, repr(shown)
        assert "widgets" not in sys.modules, sys.modules["widgets"]
        import widgets  # the user's module is still theirs

        assert widgets.OWNER == "user"
        print("form:", type(shown).__module__, type(shown).__name__)
        """,
        tmp_path,
    )
    assert out.strip() == "form: lineage_magics.widgets.entity_form EntityForm"


def test_installed_as_lineage_magics_widgets_and_not_as_widgets(tmp_path):
    out = python(
        """
        import importlib.metadata, importlib.util
        from pathlib import Path

        import lineage_magics.widgets

        print(Path(lineage_magics.widgets.__file__).resolve())
        print(callable(lineage_magics.widgets.form), sorted(lineage_magics.widgets.FORMS))
        print("top-level widgets:", importlib.util.find_spec("widgets"))
        files = importlib.metadata.distribution("lineage-magics").files or []
        print("installed under widgets/:", [str(f) for f in files if str(f).startswith("widgets/")])
        print("editable:", any(f.name.startswith("__editable__") for f in files))
        """,
        tmp_path,
    )
    path, forms, top_level, stray, editable = out.strip().splitlines()
    assert forms == "True ['cleanup', 'entity', 'explore', 'link']"
    assert top_level == "top-level widgets: None"
    assert stray == "installed under widgets/: []"
    if editable == "editable: True":  # `pip install -e .` (what ./run does): the repository's folder itself
        assert Path(path) == REPO / "widgets" / "__init__.py"
    else:  # a wheel: the folder's files, installed inside the lineage_magics package
        assert Path(path).parts[-3:] == ("lineage_magics", "widgets", "__init__.py"), path


# `import widgets`, `from widgets import X`, `from widgets.base import X`, `import widgets.base`
TOP_LEVEL_IMPORT = re.compile(r"^\s*(?:import\s+widgets\b|from\s+widgets(?:\.\w+)*\s+import\b)", re.MULTILINE)
SKIPPED = {"node_modules", "build", "dist", "__pycache__"}


def repository_files(*suffixes: str):
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [
            d for d in dirs if not d.startswith(".") and d not in SKIPPED and not d.endswith(".egg-info")
        ]
        yield from (Path(folder, f) for f in files if f.endswith(suffixes))


def test_nothing_imports_the_forms_as_a_top_level_package():
    files = [p for p in repository_files(".py", ".ipynb", ".md") if p != Path(__file__)]
    folders = {p.relative_to(REPO).parts[0] for p in files}
    assert {"lineage_magics", "widgets", "tests", "notebooks", "benchmarks", "docs", "README.md"} <= folders
    offenders = []
    for path in files:
        text = path.read_text()
        if path.suffix == ".ipynb":  # cells are JSON strings: a line of code starts after a quote
            text = text.replace('"import ', "\nimport ").replace('"from ', "\nfrom ")
        offenders += [
            f"{path.relative_to(REPO)}: {m.group().strip()}" for m in TOP_LEVEL_IMPORT.finditer(text)
        ]
    assert not offenders, offenders
