"""Per-client rate limiting at the door: 429 Too Many Requests with ``Retry-After`` (RFC 6585)."""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request

from gateway.http.errors import HttpError
from gateway.plugins.rate_limit import Buckets

__all__ = ["check_rate", "client_key", "key_of"]


def client_key(request: Request, claims: dict[str, Any] | None) -> str:
    """The verified user id when there is one, else the client's IP address."""
    return key_of(request.client.host if request.client else None, claims)


def key_of(host: str | None, claims: dict[str, Any] | None) -> str:
    """``client_key`` from the client's address (None: unknown)."""
    if claims and isinstance(claims.get("sub"), str | int):
        return f"user:{claims['sub']}"
    return f"ip:{host or 'unknown'}"


async def check_rate(buckets: Buckets | None, key: str) -> None:
    """HttpError 429 when ``key`` has no token left."""
    if buckets is None:
        return
    wait = await buckets.take(key)
    if wait > 0:
        retry = str(max(1, math.ceil(wait)))
        raise HttpError(429, "Too many requests; retry later.", {"retry-after": retry},
                        code="RATE_LIMITED")
