"""Every error of the lineage_magics API, and the one mapper from botocore errors to them.

A LineageError is one readable line: IPython calls ``_render_traceback_`` and shows that line
instead of a traceback; the exception still propagates, so nbval and CI see the cell fail.
"""

from __future__ import annotations

import sys


class LineageError(Exception):
    """A user-facing error: the message is the whole story."""

    show_traceback = False

    def _render_traceback_(self) -> list[str]:
        return [_printable(f"{type(self).__name__}: {self}")]


def _printable(text: str) -> str:
    """``text`` with raw control characters (newlines included) shown as ``\\uXXXX``."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


class WorkflowError(LineageError):
    """A workflow (a context cell, a workflow file) with problems: every one found, each a line naming its line."""

    shown = 20  # problems rendered; the rest are counted

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            super().__init__(self.problems[0])
        else:
            super().__init__(f"{len(self.problems)} problems: " + "; ".join(self.problems))

    def _render_traceback_(self) -> list[str]:
        if len(self.problems) == 1:
            return super()._render_traceback_()
        head = _printable(f"{type(self).__name__}: {len(self.problems)} problems")
        lines = [head, *(_printable(f"  {p}") for p in self.problems[: self.shown])]
        if len(self.problems) > self.shown:
            lines.append(f"  ... and {len(self.problems) - self.shown} more")
        return lines


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
        self.after_server_error = False  # set by the API layer: a retried server error came first


class ResourceNotFoundError(ServiceError, NotFoundError):
    """The service answered ResourceNotFound (a ServiceError that is also a NotFoundError)."""


_ACCESS = "the IAM identity needs the sagemaker lineage permissions (e.g. sagemaker:ListContexts, sagemaker:QueryLineage)"
_THROTTLED = "throttled even after retries: wait a little and run it again"
_EXPIRED = "AWS credentials have expired: refresh them (for example `aws sso login`)"
_REJECTED = "AWS rejected the credentials: check the profile or keys"
HINTS = {
    "AccessDeniedException": _ACCESS,
    "AccessDenied": _ACCESS,
    "UnauthorizedOperation": _ACCESS,
    "ThrottlingException": _THROTTLED,
    "ThrottledException": _THROTTLED,
    "TooManyRequestsException": _THROTTLED,
    "ExpiredTokenException": _EXPIRED,
    "ExpiredToken": _EXPIRED,
    "UnrecognizedClientException": _REJECTED,
    "InvalidClientTokenId": _REJECTED,
    "InvalidSignatureException": _REJECTED,
}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def map_error(exc: BaseException, operation: str | None = None) -> LineageError | None:
    """The one-line LineageError for a botocore exception, with a hint saying what to do.

    A LineageError is returned as it is; None for anything that is neither."""
    if isinstance(exc, LineageError):
        return exc
    if "botocore" not in sys.modules:
        return None
    from botocore import exceptions as bx

    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code")
        op = exc.operation_name or operation
        message = _first_line(err.get("Message") or "") or code
        hint = HINTS.get(code or "")
        cls = ResourceNotFoundError if code == "ResourceNotFound" else ServiceError
        text = f"{op} failed ({code}): {message}" + (f" ({hint})" if hint else "")
        return cls(text, code=code, operation=op)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.CredentialRetrievalError):
        what = (
            "no AWS credentials found"
            if isinstance(exc, bx.NoCredentialsError)
            else f"AWS credentials: {exc}"
        )
        return LineageError(
            f"{what}: run `aws configure` or `aws sso login`, set AWS_PROFILE or pass "
            "sagemaker://REGION?profile=NAME, or work locally with memory:// or sqlite:///lineage.db"
        )
    if isinstance(exc, bx.ProfileNotFound):
        return LineageError(f"{exc}: check the ?profile= of the URL, AWS_PROFILE, or ~/.aws/config")
    if isinstance(exc, bx.NoRegionError):
        return LineageError(
            "no AWS region: name one in the URL (sagemaker://us-east-1) or set AWS_DEFAULT_REGION"
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ReadTimeoutError):
        where = getattr(exc, "kwargs", {}).get("endpoint_url", "the endpoint")
        return LineageError(
            f"cannot reach {where}: check the URL and the network; for http:// URLs, is `lineage serve` running?"
        )
    if isinstance(exc, bx.ParamValidationError):
        report = str(exc.kwargs.get("report", exc)).strip().splitlines()
        return LineageError(f"invalid parameters for {operation}: {' '.join(s.strip() for s in report)}")
    if isinstance(exc, bx.BotoCoreError):
        return LineageError(f"{operation or type(exc).__name__} failed: {_first_line(str(exc)) or exc!r}")
    return None
