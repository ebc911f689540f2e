"""Error codes every subgraph speaks; domain code raises these, the GraphQL layer maps them.

Codes follow Apollo's conventions for ``extensions.code`` (DESIGN.md, "Conventions").
This module imports nothing from GraphQL so domain services may raise these freely.
"""

from __future__ import annotations

__all__ = [
    "AppError",
    "BadUserInput",
    "Conflict",
    "Forbidden",
    "NotFound",
    "Unauthenticated",
]


class AppError(Exception):
    """An error whose message is safe to show a client, with a stable code."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInput(AppError):
    """The request is well-formed GraphQL but its values break a rule."""

    code = "BAD_USER_INPUT"


class Unauthenticated(AppError):
    """No valid credentials were presented."""

    code = "UNAUTHENTICATED"


class Forbidden(AppError):
    """The caller is known but not allowed to do this."""

    code = "FORBIDDEN"


class NotFound(AppError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code = "NOT_FOUND"


class Conflict(AppError):
    """The request conflicts with the current state (duplicate, wrong state transition)."""

    code = "CONFLICT"
