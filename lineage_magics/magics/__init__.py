"""IPython magics of lineage_magics: ``%lineage VERB ...`` and ``%%lineage context|track ...``.

``%load_ext lineage_magics`` registers them; ``%lineage?`` shows every verb with its options and an example;
``%config LineageMagics`` lists the settings (also settable as ``c.LineageMagics.x`` in ``ipython_config.py``).
Importing this package registers nothing and imports neither boto3, graphviz, pandas nor ipywidgets.
"""

from __future__ import annotations

__all__ = ["load_ipython_extension", "unload_ipython_extension"]


def load_ipython_extension(ipython) -> None:
    """Register %lineage / %%lineage in ``ipython``; a second call does nothing."""
    from .core import LineageMagics, loaded_instance

    if loaded_instance(ipython) is not None:
        return
    ipython.register_magics(LineageMagics(shell=ipython))


def unload_ipython_extension(ipython) -> None:
    """Undo :func:`load_ipython_extension`: remove the magics and their settings object."""
    from .core import LineageMagics, loaded_instance

    instance = loaded_instance(ipython)
    if instance is None:
        return
    manager = ipython.magics_manager
    for kind, names in LineageMagics.magics.items():
        for name in names:
            manager.magics[kind].pop(name, None)
    dict.pop(manager.registry, LineageMagics.__name__, None)
    if instance in ipython.configurables:
        ipython.configurables.remove(instance)
