"""Who a subgraph request is for, as far as sharing a subscription stream or its completion goes.

Two subscribers may share one upstream stream, and one completion of each of its events, only
when every subgraph involved would answer them alike: the same headers reach it, except those
that cannot change its answer (per-request tracing ids; the client's address, which subgraphs
use to throttle logins, never to choose data) and except the bearer token itself when the
gateway verified it. A verified token is replaced by its *principal*: its claims without the
per-token ones (``exp``, ``iat``, ``nbf``, ``jti``, ``auth_time``). Subgraphs read the principal
from a token (``sub``, ``email``, ``name``, ``roles``, ``ver``, scopes: every other claim stays
in it too), so two tokens of one user with the same roles see the same data, and different
users, or the same user with other roles, never share.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import orjson

__all__ = ["Verified", "identity_of", "verified"]

_PER_REQUEST = frozenset({"x-request-id", "traceparent", "tracestate", "x-correlation-id",
                          "x-forwarded-for"})
_PER_TOKEN = frozenset({"exp", "iat", "nbf", "jti", "auth_time"})

# The client's Authorization header value and the principal its verified claims describe.
Verified = tuple[str, Hashable]


def verified(authorization: str | None, claims: dict[str, Any] | None) -> Verified | None:
    """The principal of a token the gateway verified (None: no token, or not verified)."""
    if not authorization or claims is None:
        return None
    principal = {k: v for k, v in claims.items() if k not in _PER_TOKEN}
    return authorization, orjson.dumps(principal, option=orjson.OPT_SORT_KEYS)


def identity_of(headers: dict[str, str], principal: Verified | None = None
                ) -> tuple[tuple[str, Hashable], ...]:
    """The headers that make two subscribers different; the Authorization header becomes its
    principal when it is exactly the verified client token."""
    identity: list[tuple[str, Hashable]] = []
    for name, value in headers.items():
        lower = name.lower()
        if lower in _PER_REQUEST:
            continue
        if lower == "authorization" and principal is not None and value == principal[0]:
            identity.append((lower, ("principal", principal[1])))
        else:
            identity.append((lower, value))
    return tuple(sorted(identity, key=lambda item: (item[0], repr(item[1]))))
