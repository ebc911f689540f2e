"""A Strawberry extension giving every error an ``extensions.code`` and masking internals.

Known ``AppError``s keep their message and code; anything else becomes a generic
INTERNAL_SERVER_ERROR so stack traces and secrets never reach a client (DESIGN.md, "Conventions").
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from subgraphs.kit.errors import AppError
from subgraphs.kit.tokens import Principal

__all__ = ["ErrorCodes", "coded", "subscriber"]

log = logging.getLogger("graphql.errors")


class ErrorCodes(SchemaExtension):
    """Rewrite the errors of every result after the operation ran."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [_with_code(error) for error in result.errors]


def coded(error: AppError) -> GraphQLError:
    """``error`` as a GraphQLError carrying its code, for a subscription to raise: its errors
    never pass through ``ErrorCodes``, which rewrites query and mutation results only."""
    return GraphQLError(error.message, extensions={**error.extensions, "code": error.code})


def subscriber(info: Any) -> Principal:
    """The signed-in caller of a subscription; UNAUTHENTICATED (coded) without one."""
    try:
        return info.context.require_user()
    except AppError as exc:
        raise coded(exc) from None


def _with_code(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, AppError):
        extensions = {**original.extensions, "code": original.code}
        return _copy(error, original.message, extensions)
    if isinstance(original, GraphQLError):
        return _with_code(original) if original.path is None and error.path is None else error
    if original is None:
        code = (error.extensions or {}).get("code") or "GRAPHQL_VALIDATION_FAILED"
        return _copy(error, error.message, {**(error.extensions or {}), "code": code})
    log.error("unexpected resolver error", exc_info=original)
    return _copy(error, "Internal server error", {"code": "INTERNAL_SERVER_ERROR"})


def _copy(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )
