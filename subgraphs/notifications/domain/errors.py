"""Notifications errors: kit errors for the GraphQL layer, and a retryable missing contact."""

from __future__ import annotations

from subgraphs.kit.errors import BadUserInput

__all__ = ["ContactNotYetKnown", "InvalidCursor", "InvalidInput"]


class InvalidCursor(BadUserInput):
    """A cursor this service did not issue."""

    def __init__(self) -> None:
        super().__init__("Invalid cursor", field="after")


class InvalidInput(BadUserInput):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)


class ContactNotYetKnown(Exception):
    """An order event for a user whose UserRegistered has not arrived yet (the users and orders
    topics are not ordered with each other): the consumer retries it with backoff."""

    def __init__(self, user_id: str) -> None:
        super().__init__(f"no contact yet for user {user_id}")
        self.user_id = user_id
