"""HS256 JWTs: issued by users, verified by every subgraph (DESIGN.md, "Conventions")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from subgraphs.kit.errors import Unauthenticated

__all__ = ["TOKEN_TTL", "Principal", "issue_token", "principal_from_header", "verify_token"]

TOKEN_TTL = timedelta(hours=24)
_ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "email", "roles"]


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
    """Return the token's principal, or raise Unauthenticated (expired, tampered, wrong alg)."""
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
    return Principal(
        id=str(claims["sub"]),
        email=str(claims["email"]),
        name=str(claims.get("name", "")),
        roles=tuple(roles),
    )


def principal_from_header(authorization: str | None, secret: str) -> Principal | None:
    """Principal from an ``Authorization: Bearer <jwt>`` header; None when there is no header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization header must be 'Bearer <token>'")
    return verify_token(token.strip(), secret)
