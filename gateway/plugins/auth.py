"""JWT verification at the gateway through ``common.auth``'s one verifier.

Public-key tokens (EdDSA, RS256, ES256) are checked against a JWKS URL (cached, refetched on an
unknown ``kid``, rate-limited) or file, with ``iss``/``aud``/``exp``/``nbf`` and, when a version
source is configured, the user's minimum token version. HS256 with ``jwt_secret`` is a separate,
explicit HMAC setting (the seed's compatibility contract); the key is chosen by the token's
``alg`` family, so an HMAC token is never checked against a public key (RFC 8725 §3.1-3.2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from common.auth.jwks import KeySource, RemoteJwks, StaticKeys
from common.auth.policy import ASYMMETRIC_ALGORITHMS, InvalidToken, TokenPolicy
from common.auth.verifier import AccessTokenVerifier
from common.auth.versions import TokenVersions

__all__ = ["InvalidToken", "JwtKeys", "TokenVerifier", "bearer_token"]


@dataclass(frozen=True, slots=True)
class JwtKeys:
    """Where keys come from and what a token must say (``gateway.config.AuthConfig``)."""

    secret: str = ""
    jwks_url: str = ""
    jwks_file: Path | None = None
    algorithms: tuple[str, ...] = ("EdDSA", "RS256", "ES256")
    issuer: str = ""
    audience: str = ""
    leeway_seconds: float = 30.0


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

    def __init__(self, config: JwtKeys, versions: TokenVersions | None = None) -> None:
        self.config = config
        self._hmac = [a for a in config.algorithms if a.startswith("HS")]
        public = tuple(a for a in config.algorithms if a in ASYMMETRIC_ALGORITHMS)
        policy = TokenPolicy(config.issuer, config.audience, public, config.leeway_seconds)
        keys = _key_source(config)
        # Sized for a gateway holding ten thousand WebSocket clients, each with its own token.
        self._public = (AccessTokenVerifier(policy, keys, versions=versions, cache_size=16_384)
                        if keys is not None else None)

    def verify(self, token: str) -> dict[str, Any]:
        try:
            alg = jwt.get_unverified_header(token).get("alg", "")
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from None
        if isinstance(alg, str) and alg.startswith("HS"):
            return self._verify_hmac(token, alg)
        if self._public is None:
            raise InvalidToken("no public keys configured")
        return self._public.verify(token)

    def verified_before(self, token: str) -> dict[str, Any] | None:
        """The claims of a public-key token accepted before, when no I/O is needed (cached,
        no token-version source); None: call ``verify`` (off the event loop)."""
        return self._public.verified_before(token) if self._public is not None else None

    def close(self) -> None:
        """At shutdown: stop the token-version refresher, if any."""
        if self._public is not None:
            self._public.close()

    def _verify_hmac(self, token: str, alg: str) -> dict[str, Any]:
        if alg not in self._hmac or not self.config.secret:
            raise InvalidToken(f"token algorithm {alg!r} is not accepted")
        try:
            return jwt.decode(token, self.config.secret, algorithms=[alg],
                              options={"require": ["exp"],
                                       "verify_aud": bool(self.config.audience)},
                              issuer=self.config.issuer or None,
                              audience=self.config.audience or None,
                              leeway=self.config.leeway_seconds)
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error) or type(error).__name__) from None


def _key_source(config: JwtKeys) -> KeySource | None:
    if config.jwks_file is not None:
        return StaticKeys(json.loads(config.jwks_file.read_text()))
    if config.jwks_url:
        return RemoteJwks(config.jwks_url)
    return None
