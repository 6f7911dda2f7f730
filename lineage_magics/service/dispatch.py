"""Operation name -> handler, shared by the in-process hook and ``lineage serve``."""

from __future__ import annotations

from . import actions, artifacts, associations, contexts, experiments, query, tags

# name -> (handler(txn, params) -> dict, writes?)
OPERATIONS: dict = {}
for _module in (contexts, actions, artifacts, associations, experiments, tags, query):
    OPERATIONS.update(_module.HANDLERS)
