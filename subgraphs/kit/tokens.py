"""HS256 JWTs: issued by users, verified by every subgraph (DESIGN.md, "Conventions")."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from subgraphs.kit.errors import Unauthenticated

__all__ = ["TOKEN_TTL", "Principal", "issue_token", "principal_from_header", "verify_token"]

TOKEN_TTL = timedelta(hours=24)
_ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "email", "roles"]

# Verified tokens: (token, secret) -> (exp, principal). Only successful verifications go in;
# an entry is served only while _clock() < exp (PyJWT's own rule with no leeway, which is
# what verify_token uses), so a cached token is never accepted past its expiry. Bounded: the
# oldest entry is evicted first. The secret is part of the key, so a token is never accepted
# under a secret it was not verified with (key rotation re-verifies).
VERIFIED_CACHE_SIZE = 1024
_verified: OrderedDict[tuple[str, str], tuple[float, Principal]] = OrderedDict()
_clock = time.time


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, as the token describes it."""

    id: str
    email: str
    name: str
    roles: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


def issue_token(
    principal: Principal, secret: str, *, now: datetime | None = None, ttl: timedelta = TOKEN_TTL
) -> tuple[str, datetime]:
    """Sign a token for ``principal``; returns the token and its expiry."""
    issued = now or datetime.now(UTC)
    expires = issued + ttl
    claims = {
        "sub": principal.id,
        "email": principal.email,
        "name": principal.name,
        "roles": list(principal.roles),
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM), expires


def verify_token(token: str, secret: str) -> Principal:
    """Return the token's principal, or raise Unauthenticated (expired, tampered, wrong alg).

    A token already verified with the same secret is served from a small cache until its
    ``exp``; past it, or for a token that failed, the full verification runs again.
    """
    key = (token, secret)
    hit = _verified.get(key)
    if hit is not None:
        if _clock() < hit[0]:
            return hit[1]
        _verified.pop(key, None)
    principal, exp = _decode(token, secret)
    _verified[key] = (exp, principal)
    while len(_verified) > VERIFIED_CACHE_SIZE:
        try:
            _verified.popitem(last=False)
        except KeyError:  # emptied concurrently
            break
    return principal


def _decode(token: str, secret: str) -> tuple[Principal, float]:
    try:
        # Pinning algorithms rejects "alg: none" and algorithm-confusion tokens.
        claims = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], options={"require": _REQUIRED_CLAIMS}
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("Token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("Token is invalid") from exc
    roles = claims["roles"]
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("Token is invalid")
    principal = Principal(
        id=str(claims["sub"]),
        email=str(claims["email"]),
        name=str(claims.get("name", "")),
        roles=tuple(roles),
    )
    return principal, float(claims["exp"])


def principal_from_header(authorization: str | None, secret: str) -> Principal | None:
    """Principal from an ``Authorization: Bearer <jwt>`` header; None when there is no header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization header must be 'Bearer <token>'")
    return verify_token(token.strip(), secret)
