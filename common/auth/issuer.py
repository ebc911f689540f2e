"""Signing access tokens (users only): ``kid`` in the header, the claims verifiers require."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from common.auth.compat import COMPAT_TTL_SECONDS, encode_compat
from common.auth.keys import SigningKey

__all__ = ["AccessClaims", "TokenIssuer"]


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """Who the token is for; ``version`` is the user's token version at signing time."""

    subject: str
    email: str
    name: str
    roles: tuple[str, ...]
    version: int = 0


@dataclass(frozen=True, slots=True)
class TokenIssuer:
    """Signs with ``signer``; ``compat_secret`` switches to the seed's HS256 24 h tokens."""

    signer: SigningKey
    issuer: str
    audience: str
    ttl: timedelta = timedelta(minutes=15)
    compat_secret: str = ""

    def issue(self, who: AccessClaims, now: datetime | None = None) -> tuple[str, datetime]:
        issued = now or datetime.now(UTC)
        ttl = timedelta(seconds=COMPAT_TTL_SECONDS) if self.compat_secret else self.ttl
        claims = self._claims(who, issued, issued + ttl)
        if self.compat_secret:
            return encode_compat(claims, self.compat_secret), issued + ttl
        token = jwt.encode(claims, self.signer.private_key, algorithm=self.signer.algorithm,
                           headers={"kid": self.signer.kid})
        return token, issued + ttl

    def _claims(self, who: AccessClaims, issued: datetime, expires: datetime) -> dict[str, Any]:
        at = int(issued.timestamp())
        return {"sub": who.subject, "email": who.email, "name": who.name,
                "roles": list(who.roles), "ver": who.version, "iss": self.issuer,
                "aud": self.audience, "iat": at, "nbf": at, "exp": int(expires.timestamp())}
