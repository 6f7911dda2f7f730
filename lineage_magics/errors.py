"""Errors of the lineage_magics API: one readable line, no traceback in notebooks."""

from __future__ import annotations


class LineageError(Exception):
    """A user-facing error: the message is the whole story.

    IPython calls ``_render_traceback_`` and shows one line instead of a traceback;
    the exception still propagates, so nbval and CI see the cell fail.
    """

    show_traceback = False

    def _render_traceback_(self) -> list[str]:
        text = f"{type(self).__name__}: {self}"
        return ["".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)]  # no raw controls


class NotFoundError(LineageError, LookupError):
    """No entity matches a ref."""


class AmbiguousRefError(LineageError, LookupError):
    """A ref matches more than one entity; the message lists the candidates."""


class ServiceError(LineageError):
    """SageMaker (or the local service) refused a call; carries the AWS error code."""

    def __init__(self, message: str, code: str | None = None, operation: str | None = None):
        super().__init__(message)
        self.code = code
        self.operation = operation
