"""botocore errors -> one-line LineageErrors with a hint saying what to do."""

from __future__ import annotations

import sys

from ..errors import LineageError, ServiceError

_CODE_HINTS = {
    "AccessDeniedException": "access denied: the IAM identity needs the sagemaker lineage permissions "
    "(e.g. sagemaker:ListContexts, sagemaker:QueryLineage)",
    "AccessDenied": "access denied: the IAM identity needs the sagemaker lineage permissions",
    "UnauthorizedOperation": "access denied: the IAM identity needs the sagemaker lineage permissions",
    "ThrottlingException": "throttled by SageMaker even after retries: wait a little and run the cell again",
    "ThrottledException": "throttled by SageMaker even after retries: wait a little and run the cell again",
    "TooManyRequestsException": "throttled even after retries: wait a little and run the cell again",
    "ExpiredTokenException": "AWS credentials have expired: refresh them (for example `aws sso login`)",
    "ExpiredToken": "AWS credentials have expired: refresh them (for example `aws sso login`)",
    "UnrecognizedClientException": "AWS rejected the credentials: check the profile or keys",
    "InvalidClientTokenId": "AWS rejected the credentials: check the profile or keys",
}


def hint_for_code(code: str | None) -> str | None:
    """The hint for an AWS error code, or None."""
    return _CODE_HINTS.get(code or "")


def map_error(exc: BaseException) -> LineageError | None:
    """A LineageError for a botocore error (or a ServiceError worth a hint); None for anything else."""
    if isinstance(exc, ServiceError):
        hint = hint_for_code(exc.code)
        if hint and hint not in str(exc):
            return ServiceError(f"{exc} ({hint})", exc.code, exc.operation)
        return None
    if isinstance(exc, LineageError) or "botocore" not in sys.modules:
        return None
    from botocore import exceptions as bx

    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code")
        message = error.get("Message") or str(exc)
        operation = getattr(exc, "operation_name", None)
        hint = hint_for_code(code)
        text = f"{operation}: {code}: {message}" if operation else f"{code}: {message}"
        return ServiceError(f"{text} ({hint})" if hint else text, code, operation)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.CredentialRetrievalError):
        return LineageError(
            "no AWS credentials found: run `aws configure` or `aws sso login`, set AWS_PROFILE, "
            "or work locally with `%lineage use memory://`"
        )
    if isinstance(exc, bx.ProfileNotFound):
        return LineageError(f"{exc}: check the ?profile= of the URL or ~/.aws/config")
    if isinstance(exc, bx.NoRegionError):
        return LineageError(
            "no AWS region: name one in the URL (`%lineage use sagemaker://us-east-1`) or set AWS_DEFAULT_REGION"
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ReadTimeoutError):
        return LineageError(
            f"endpoint unreachable: {exc} (is the network up, and for http:// URLs is `lineage serve` running?)"
        )
    if isinstance(exc, bx.BotoCoreError):
        return LineageError(f"{type(exc).__name__}: {exc}")
    return None
