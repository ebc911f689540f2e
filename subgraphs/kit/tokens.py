"""Access tokens in subgraphs: the ``Principal`` a token describes, issued by users and
verified by every subgraph through the one verifier in ``common.auth`` (DESIGN.md, "Conventions").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from common.auth.issuer import AccessClaims, TokenIssuer
from common.auth.policy import InvalidToken
from common.auth.verifier import AccessTokenVerifier
from subgraphs.kit.errors import Unauthenticated

__all__ = ["TOKEN_TTL", "Principal", "issue_token", "principal_from_header", "verify_token"]

TOKEN_TTL = timedelta(minutes=15)


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

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        roles = claims.get("roles")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthenticated("Token is invalid")
        return cls(id=str(claims["sub"]), email=str(claims.get("email", "")),
                   name=str(claims.get("name", "")), roles=tuple(roles))


def issue_token(principal: Principal, issuer: TokenIssuer, *, now: datetime | None = None,
                version: int = 0) -> tuple[str, datetime]:
    """Sign an access token for ``principal``; returns the token and its expiry."""
    who = AccessClaims(principal.id, principal.email, principal.name, principal.roles, version)
    return issuer.issue(who, now)


def verify_token(token: str, verifier: AccessTokenVerifier) -> Principal:
    """The token's principal, or Unauthenticated (expired, forged, revoked, wrong iss/aud/alg)."""
    try:
        return Principal.from_claims(verifier.verify(token))
    except InvalidToken as error:
        message = str(error).split(":")[0]  # the reason's head; details go to no client
        raise Unauthenticated(message) from None


def principal_from_header(
    authorization: str | None, verifier: AccessTokenVerifier
) -> Principal | None:
    """Principal from an ``Authorization: Bearer <jwt>`` header; None when there is no header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization header must be 'Bearer <token>'")
    return verify_token(token.strip(), verifier)
