"""HTTP-level request problems (not GraphQL requests at all), answered with a 4xx."""

from __future__ import annotations

__all__ = ["HttpError"]


class HttpError(Exception):
    """A request that is not a well-formed GraphQL-over-HTTP request (§5)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None,
                 code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.code = code
