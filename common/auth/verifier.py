"""THE access-token verifier, used by the gateway and every subgraph alike.

Checks, in order (RFC 8725): the header's ``alg`` is allow-listed and public-key (never
``none``, never HMAC with a public key), its ``kid`` names a key the ``KeySource`` knows with
that same algorithm, the signature, ``exp``/``nbf``/``iat``, ``iss`` and ``aud``; then the
user's minimum token version. Successful verifications are cached (bounded, never past ``exp``);
the version check runs on cache hits too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt

from common.auth.compat import decode_compat
from common.auth.jwks import KeySource
from common.auth.policy import COMPAT_ALGORITHM, InvalidToken, TokenPolicy
from common.auth.versions import TokenVersions
from common.lru import LRU

__all__ = ["AccessTokenVerifier", "InvalidToken"]


class AccessTokenVerifier:
    """``verify(token)`` returns the claims or raises InvalidToken."""

    def __init__(self, policy: TokenPolicy, keys: KeySource, *,
                 versions: TokenVersions | None = None, cache_size: int = 1024,
                 clock: Callable[[], float] = time.time) -> None:
        self.policy = policy
        self.keys = keys
        self.versions = versions
        self.cache_size = cache_size
        self._clock = clock
        self._verified: LRU[str, dict[str, Any]] = LRU(cache_size, clock=clock)  # until exp

    def verify(self, token: str) -> dict[str, Any]:
        claims = self._cached(token)
        if claims is None:
            claims = self._decode(token)
            self._remember(token, claims)
        self._check_version(claims)
        return claims

    def verified_before(self, token: str) -> dict[str, Any] | None:
        """The claims of a token this verifier accepted before, when answering needs no I/O (no
        token-version source, or one that knows the user's minimum now) and the token is still
        at or above it; None otherwise: call ``verify`` (it reads, or refuses)."""
        claims = self._cached(token)
        if claims is None or self.versions is None:
            return claims
        minimum = self.versions.known(str(claims["sub"]))
        return claims if minimum is not None and _current(claims, minimum) else None

    def close(self) -> None:
        """At shutdown: stop what the token-version source runs (``RefreshedVersions``' thread)."""
        close = getattr(self.versions, "close", None)  # LocalVersions holds nothing to stop
        if close is not None:
            close()

    def _cached(self, token: str) -> dict[str, Any] | None:
        return self._verified.get(token)

    def _remember(self, token: str, claims: dict[str, Any]) -> None:
        self._verified.put(token, claims, expires=float(claims["exp"]))

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            alg = header.get("alg")
            if alg == COMPAT_ALGORITHM and self.policy.compat_secret:
                return decode_compat(token, self.policy.compat_secret)
            key = self._key(alg, header.get("kid"))
            policy = self.policy
            return jwt.decode(token, key, algorithms=[alg], issuer=policy.issuer or None,
                              audience=policy.audience or None, leeway=policy.leeway_seconds,
                              options={"require": policy.required_claims,
                                       "verify_aud": bool(policy.audience)})
        except jwt.ExpiredSignatureError:
            raise InvalidToken("Token has expired") from None
        except jwt.PyJWTError as error:
            raise InvalidToken(f"Token is invalid: {error}") from None

    def _key(self, alg: object, kid: object) -> Any:
        if not isinstance(alg, str) or alg not in self.policy.algorithms:
            raise InvalidToken(f"Token is invalid: algorithm {alg!r} is not accepted")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("Token is invalid: no kid")
        jwk = self.keys.key(kid)
        if jwk is None:
            raise InvalidToken("Token is invalid: unknown kid")
        if jwk.algorithm_name != alg:  # the key decides the algorithm, not the token
            raise InvalidToken("Token is invalid: algorithm does not match the key")
        return jwk.key

    def _check_version(self, claims: dict[str, Any]) -> None:
        if self.versions is None:
            return
        if not _current(claims, self.versions.minimum(str(claims["sub"]))):
            raise InvalidToken("Token has been revoked")


def _current(claims: dict[str, Any], minimum: int) -> bool:
    version = claims.get("ver", 0)
    return isinstance(version, int) and version >= minimum
