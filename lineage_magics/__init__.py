"""lineage-magics: notebook-first ML lineage tracking for Amazon SageMaker.

``%load_ext lineage_magics`` registers ``%lineage`` / ``%%lineage``. Importing this
package has no side effects; boto3 and graphviz load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["connect", "LineageClient", "LineageGraph", "load_ipython_extension", "unload_ipython_extension"]

# Bound eagerly (the module is cheap: boto3 loads on the first call) so that importing the
# ``lineage_magics.connect`` submodule can never shadow the function of the same name.
from .connect import connect  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from .client import LineageClient
    from .graph import LineageGraph

_LAZY = {
    "LineageClient": ("client", "LineageClient"),
    "LineageGraph": ("graph", "LineageGraph"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_ipython_extension(ipython) -> None:
    """Register the %lineage magics (idempotent)."""
    from .magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython) -> None:
    from .magics import unload_ipython_extension as unload

    unload(ipython)
