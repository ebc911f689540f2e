"""One error type per pipeline stage, each with its ``extensions.code``."""

from __future__ import annotations

import copy
from typing import Any

from graphql import GraphQLError

__all__ = [
    "IncrementalNotAccepted",
    "InternalError",
    "LimitExceeded",
    "OperationNotAllowed",
    "OperationNotFound",
    "OperationNotSupported",
    "ParseFailed",
    "PlanningFailed",
    "RequestError",
    "ValidationFailed",
    "VariablesInvalid",
]


class RequestError(Exception):
    """A request the pipeline refuses before execution: the response has errors and no data.

    ``status`` is the HTTP status under ``application/graphql-response+json`` (GraphQL over
    HTTP §6.4.2: a request error that prevents execution is a 4xx).
    """

    code = "BAD_REQUEST"
    status = 400

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [{"message": message}]
        for error in self.errors:
            error.setdefault("extensions", {}).setdefault("code", self.code)

    def fresh(self) -> RequestError:
        """A new instance to raise again: cached errors must not collect tracebacks."""
        again = self.__class__.__new__(self.__class__)
        again.__dict__.update(self.__dict__)
        again.args = self.args
        again.errors = copy.deepcopy(self.errors)
        return again

    @classmethod
    def from_graphql(cls, errors: list[GraphQLError]) -> RequestError:
        """Keep each graphql-core error's message and locations."""
        formatted = [dict(error.formatted) for error in errors]
        return cls(formatted[0]["message"], formatted)


class IncrementalNotAccepted(RequestError):
    """A ``@defer``/``@stream`` operation from a client that accepts no incremental response
    (the code and 406 status Apollo Router answers; GraphQL over HTTP §4.2 negotiation)."""

    code = "DEFER_BAD_HEADER"
    status = 406

    def __init__(self) -> None:
        super().__init__(
            "The operation uses @defer or @stream but the client does not accept an incremental "
            "response. Send 'Accept: multipart/mixed;deferSpec=20220824', or "
            "'text/event-stream', or use graphql-ws."
        )


class ParseFailed(RequestError):
    """The document is not GraphQL (GraphQL spec §2), or too big to read."""

    code = "GRAPHQL_PARSE_FAILED"


class LimitExceeded(RequestError):
    """Depth, aliases, root fields or size over the configured limit."""

    def __init__(self, message: str, code: str) -> None:
        self.code = code
        super().__init__(message)


class ValidationFailed(RequestError):
    """The document is not valid against the API schema (GraphQL spec §5)."""

    code = "GRAPHQL_VALIDATION_FAILED"


class OperationNotFound(RequestError):
    """No operation to run: unknown ``operationName`` or an ambiguous document (§6.1)."""

    code = "GRAPHQL_UNKNOWN_OPERATION_NAME"


class VariablesInvalid(RequestError):
    """Variable values that do not coerce to their declared types (§6.1.2)."""

    code = "BAD_USER_INPUT"


class OperationNotAllowed(RequestError):
    """A mutation sent over GET (GraphQL over HTTP §6.3.1: GET is for queries only)."""

    code = "METHOD_NOT_ALLOWED"
    status = 405


class OperationNotSupported(RequestError):
    """An operation this transport cannot serve (a subscription over a plain HTTP request)."""

    code = "OPERATION_NOT_SUPPORTED"


class PlanningFailed(RequestError):
    """The planner could not plan a valid operation: a gateway or supergraph problem."""

    code = "QUERY_PLANNING_FAILED"
    status = 500


class InternalError(RequestError):
    """An unexpected failure inside the gateway; no details leak to the client."""

    code = "INTERNAL_SERVER_ERROR"
    status = 500
