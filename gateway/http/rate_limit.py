"""Per-client rate limiting at the door: 429 Too Many Requests with ``Retry-After`` (RFC 6585)."""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request

from gateway.http.errors import HttpError
from gateway.plugins.rate_limit import Buckets

__all__ = ["check_rate", "client_key"]


def client_key(request: Request, claims: dict[str, Any] | None) -> str:
    """The verified user id when there is one, else the client's IP address."""
    if claims and isinstance(claims.get("sub"), str | int):
        return f"user:{claims['sub']}"
    host = request.client.host if request.client else "unknown"
    return f"ip:{host}"


async def check_rate(buckets: Buckets | None, key: str) -> None:
    """HttpError 429 when ``key`` has no token left."""
    if buckets is None:
        return
    wait = await buckets.take(key)
    if wait > 0:
        retry = str(max(1, math.ceil(wait)))
        raise HttpError(429, "Too many requests; retry later.", {"retry-after": retry},
                        code="RATE_LIMITED")
