"""A verb's session outside a notebook, and the settings' defaults both front ends share.

A verb reads ``client``, ``current_url``, ``default_depth``, ``max_vertices`` and ``displaylimit`` from its
session: :class:`~lineage_magics.magics.core.LineageMagics` in a notebook (settings in ``%config``),
:class:`Session` in the ``lineage`` command. Same defaults, so the same arguments give the same result.
"""

from __future__ import annotations

from ..connect import effective_url, redact
from ..errors import LineageError

DEFAULT_DEPTH = 3  # hops a trace follows when --depth is not given
MAX_VERTICES = 150  # vertex cap of traces and graphs when --max is not given
DISPLAYLIMIT = 50  # rows `list` fetches when --limit is not given (0: no limit)


def open_client(url: str, *, progress: bool = True, fresh_for: float | None = None):
    """A LineageClient on ``url``; a store that cannot be opened is a one-line LineageError."""
    import sqlite3

    from ..client import LineageClient

    try:
        return LineageClient(url, progress=progress, fresh_for=fresh_for)
    except (OSError, sqlite3.Error, ValueError) as exc:
        raise LineageError(f"cannot open {redact(url)}: {exc}") from exc


class Session:
    """The session of one ``lineage`` command: a URL (else ``$LINEAGE_MAGICS_URL``, else the default
    store), the client built on first use, and the default settings."""

    default_depth = DEFAULT_DEPTH
    max_vertices = MAX_VERTICES
    displaylimit = DISPLAYLIMIT

    def __init__(self, url: str | None = None, *, progress: bool = False) -> None:
        self.current_url = effective_url(url)
        self.progress = progress
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = open_client(self.current_url, progress=self.progress)
        return self._client
