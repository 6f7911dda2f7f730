"""The embedded SageMaker lineage service: SageMaker's lineage operations on SQLite.

``Service(path)`` answers operations (``call`` / ``handle``); ``lineage_magics.connect`` reaches
it in-process through botocore's event hooks, ``lineage serve`` over HTTP.
"""

from __future__ import annotations

from .core import Service
from .errors import ServiceFault
from .store import Store, StoreError

__all__ = ["Service", "ServiceFault", "Store", "StoreError"]
