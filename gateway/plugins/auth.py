"""JWT verification: HS256 with a shared secret, RS256/ES256 with keys from a JWKS.

The key is chosen by the token's ``alg`` family, so an HS256 token can never be checked against
a public key (algorithm confusion), and ``alg: none`` is never accepted (RFC 8725 §3.1-3.2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

__all__ = ["InvalidToken", "JwtKeys", "TokenVerifier", "bearer_token"]


@dataclass(frozen=True, slots=True)
class JwtKeys:
    """Where keys come from and what a token must say (``gateway.config.AuthConfig``)."""

    secret: str = ""
    jwks_url: str = ""
    jwks_file: Path | None = None
    algorithms: tuple[str, ...] = ("HS256", "RS256", "ES256")
    issuer: str = ""
    audience: str = ""
    leeway_seconds: float = 30.0


class InvalidToken(Exception):
    """A token that is malformed, forged, expired or signed with a refused algorithm."""


def bearer_token(headers: dict[str, str]) -> str | None:
    """The token of ``Authorization: Bearer <token>``; InvalidToken for another scheme."""
    value = headers.get("authorization", "").strip()
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Authorization must be 'Bearer <token>'.")
    return token.strip()


class TokenVerifier:
    """Verify tokens against the configured keys; ``verify`` returns the claims."""

    def __init__(self, config: JwtKeys) -> None:
        self.config = config
        self.algorithms = [a for a in config.algorithms if a.lower() != "none"]
        self._secret = config.secret
        self._jwks = jwt.PyJWKClient(config.jwks_url, cache_keys=True) if config.jwks_url else None
        self._keyset = _keyset(config)

    def verify(self, token: str) -> dict[str, Any]:
        try:
            alg = jwt.get_unverified_header(token).get("alg", "")
            key = self._key(token, alg)
            return jwt.decode(token, key, algorithms=[alg], options=self._options(),
                              issuer=self.config.issuer or None,
                              audience=self.config.audience or None,
                              leeway=self.config.leeway_seconds)
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise InvalidToken(str(error) or type(error).__name__) from None

    def _key(self, token: str, alg: str) -> Any:
        if alg not in self.algorithms:
            raise InvalidToken(f"token algorithm {alg!r} is not accepted")
        if alg.startswith("HS"):
            if not self._secret:
                raise InvalidToken("no shared secret configured for HMAC tokens")
            return self._secret
        if self._keyset is not None:
            return self._from_keyset(jwt.get_unverified_header(token).get("kid"))
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key
        raise InvalidToken("no public keys configured")

    def _from_keyset(self, kid: str | None) -> Any:
        keys = self._keyset.keys if self._keyset is not None else []
        for key in keys:
            if kid is None or key.key_id == kid:
                return key.key
        raise InvalidToken("no key matches the token's kid")

    def _options(self) -> dict[str, Any]:
        return {"require": ["exp"], "verify_aud": bool(self.config.audience)}


def _keyset(config: JwtKeys) -> jwt.PyJWKSet | None:
    if config.jwks_file is None:
        return None
    return jwt.PyJWKSet.from_dict(json.loads(config.jwks_file.read_text()))
