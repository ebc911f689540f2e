"""The request pipeline: one module per step, preparation cached apart from per-request work."""

from gateway.pipeline.errors import (
    InternalError,
    LimitExceeded,
    OperationNotAllowed,
    OperationNotFound,
    OperationNotSupported,
    ParseFailed,
    PlanningFailed,
    RequestError,
    ValidationFailed,
    VariablesInvalid,
)
from gateway.pipeline.limits import Limits
from gateway.pipeline.pipeline import Outcome, Pipeline, Prepared
from gateway.pipeline.subscribe import Started, SubscriptionFailed, begin, results
from gateway.plugins import GraphQLRequest

__all__ = [
    "GraphQLRequest",
    "InternalError",
    "LimitExceeded",
    "Limits",
    "OperationNotAllowed",
    "OperationNotFound",
    "OperationNotSupported",
    "Outcome",
    "ParseFailed",
    "Pipeline",
    "PlanningFailed",
    "Prepared",
    "RequestError",
    "Started",
    "SubscriptionFailed",
    "ValidationFailed",
    "VariablesInvalid",
    "begin",
    "results",
]
