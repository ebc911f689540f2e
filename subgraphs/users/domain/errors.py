"""Users errors, each a kit error so the GraphQL layer knows its ``extensions.code``."""

from __future__ import annotations

from subgraphs.kit.errors import AppError, BadUserInput, Unauthenticated

__all__ = [
    "DuplicateEmail",
    "InvalidCredentials",
    "InvalidRefreshToken",
    "InvalidRegistration",
    "RefreshTokenReused",
    "TooManyAttempts",
]


class InvalidRegistration(BadUserInput):
    """A registration field breaks a rule; ``field`` names the input field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)


class DuplicateEmail(BadUserInput):
    """Another account already uses this (normalised) email."""

    def __init__(self) -> None:
        super().__init__("An account with this email already exists", field="email")


class InvalidCredentials(Unauthenticated):
    """Login failed; one message whether the email is unknown or the password wrong."""

    def __init__(self) -> None:
        super().__init__("Invalid email or password")


class InvalidRefreshToken(Unauthenticated):
    """Unknown, expired or revoked refresh token (one message for all)."""

    def __init__(self) -> None:
        super().__init__("Refresh token is invalid or expired")


class RefreshTokenReused(InvalidRefreshToken):
    """A spent token presented again: the caller revokes ``family_id`` and refuses."""

    def __init__(self, family_id: str) -> None:
        super().__init__()
        self.family_id = family_id


class TooManyAttempts(AppError):
    """Login throttled for this account or client address."""

    code = "TOO_MANY_REQUESTS"

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many attempts; try again later", retryAfterSeconds=retry_after)
