"""pytest collects the tutorials as nbval tests, strict, with or without ``--nbval``.

``pytest notebooks/`` (or ``pytest`` with ``notebooks`` in ``testpaths``) runs every notebook through
nbval in strict mode: each code cell is re-run and its outputs compared with the committed ones,
after the patterns of ``nbval-sanitize.cfg`` (ARNs, timestamps, addresses...) are applied to both.
Unless told otherwise on the command line, the kernel is the Python running pytest
(``--nbval-current-env``) and the sanitize file is the one beside this file.
"""

from __future__ import annotations

from pathlib import Path

from nbval.plugin import IPyNbFile

SANITIZE = Path(__file__).with_name("nbval-sanitize.cfg")


def pytest_collect_file(file_path, parent):
    if file_path.suffix != ".ipynb":
        return None
    option = parent.config.option
    if option.nbval_sanitize_with is None:
        option.nbval_sanitize_with = str(SANITIZE)
    if not option.nbval_kernel_name:
        option.nbval_current_env = True
    if option.nbval or option.nbval_lax:
        return None  # nbval's own hook collects it
    return IPyNbFile.from_parent(parent, path=file_path)
