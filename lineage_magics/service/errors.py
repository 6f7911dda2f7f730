"""AWS-style errors of the local service: an error code, a message and an HTTP status."""

from __future__ import annotations


class ServiceFault(Exception):
    """An error the service answers with, as SageMaker would (``__type`` + ``message``)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def to_wire(self) -> dict:
        return {"__type": self.code, "message": self.message}


def validation(message: str) -> ServiceFault:
    return ServiceFault("ValidationException", message, 400)


def not_found(message: str) -> ServiceFault:
    return ServiceFault("ResourceNotFound", message, 400)


def limit_exceeded(message: str) -> ServiceFault:
    return ServiceFault("ResourceLimitExceeded", message, 400)


def throttling() -> ServiceFault:
    return ServiceFault("ThrottlingException", "Rate exceeded", 400)


def internal_failure(
    message: str = "The request processing has failed because of an unknown error.",
) -> ServiceFault:
    return ServiceFault("InternalFailure", message, 500)


def serialization(message: str) -> ServiceFault:
    return ServiceFault("SerializationException", message, 400)


def unsupported(operation: str) -> ServiceFault:
    return ServiceFault(
        "UnknownOperationException",
        f"The local lineage service does not support the SageMaker operation {operation!r}; "
        "it answers the lineage, experiment, tag, lineage group and Search operations (and the "
        "sagemaker-metrics BatchPutMetrics and BatchGetMetrics) only.",
        400,
    )
