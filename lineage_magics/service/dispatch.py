"""Operation name -> handler, shared by the in-process hook and ``lineage serve``.

SageMaker's operations and those of the ``sagemaker-metrics`` service (``metrics.OPERATIONS``,
REST-JSON) share one table: their names do not clash.
"""

from __future__ import annotations

from . import (
    actions,
    artifacts,
    associations,
    contexts,
    experiments,
    lineage_groups,
    metrics,
    query,
    search,
    tags,
)

# name -> (handler(txn, params) -> dict, writes?)
OPERATIONS: dict = {}
for _module in (
    contexts,
    actions,
    artifacts,
    associations,
    experiments,
    tags,
    query,
    search,
    lineage_groups,
    metrics,
):
    OPERATIONS.update(_module.HANDLERS)
