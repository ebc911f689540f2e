"""Users errors, each a kit error so the GraphQL layer knows its ``extensions.code``."""

from __future__ import annotations

from subgraphs.kit.errors import BadUserInput, Unauthenticated

__all__ = ["DuplicateEmail", "InvalidCredentials", "InvalidRegistration"]


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
