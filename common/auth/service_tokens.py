"""Service credentials: short-lived EdDSA (Ed25519) JWTs one service signs for one other.

A token names its caller (``iss`` = ``sub``), the one service it is for (``aud``), what it may
do (``scope``, space-separated as in RFC 8693 §4.2) and lives a few minutes (``exp``). It rides
in its own header, never in Authorization, which carries the end user. The caller caches a token
per audience and renews it before it expires; the callee checks the signature with the caller's
public key, ``aud``, ``exp`` and that every scope is one it granted that caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from common.lru import LRU

__all__ = [
    "SERVICE_TOKEN_HEADER",
    "ServiceAuthError",
    "ServiceCaller",
    "ServiceTokenIssuer",
    "TrustedCaller",
    "TrustedCallers",
]

SERVICE_TOKEN_HEADER = "x-service-token"
_ALGORITHM = "EdDSA"
_REQUIRED = ["iss", "sub", "aud", "exp", "iat"]
MAX_LIFETIME_SECONDS = 900  # a longer-lived credential is refused even when well signed
_CACHE_SIZE = 256


class ServiceAuthError(Exception):
    """The request carries no service credential, or one this service does not accept."""


@dataclass(frozen=True, slots=True)
class ServiceCaller:
    """The service a request comes from and the scopes its credential holds."""

    name: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or "*" in self.scopes


@dataclass(frozen=True, slots=True)
class TrustedCaller:
    """What a callee knows of one caller: the key its tokens verify with, the scopes it may hold."""

    public_key: Ed25519PublicKey
    scopes: frozenset[str]


class ServiceTokenIssuer:
    """Signs this service's tokens; one cached per (audience, scopes), renewed ahead of expiry."""

    def __init__(self, name: str, key: Ed25519PrivateKey, *, ttl_seconds: int = 300,
                 clock: Callable[[], float] = time.time) -> None:
        if not 0 < ttl_seconds <= MAX_LIFETIME_SECONDS:
            raise ValueError(f"service token lifetime must be 1..{MAX_LIFETIME_SECONDS} s")
        self.name, self._key, self._ttl, self._clock = name, key, ttl_seconds, clock
        self._tokens: dict[tuple[str, tuple[str, ...]], tuple[float, str]] = {}

    def token_for(self, audience: str, scopes: Iterable[str] = ()) -> str:
        """A token for ``audience``: the cached one until its last fifth of life, then a new one."""
        key = (audience, tuple(sorted(set(scopes))))
        now = self._clock()
        cached = self._tokens.get(key)
        if cached is not None and now < cached[0]:
            return cached[1]
        token = self._sign(audience, key[1], int(now))
        self._tokens[key] = (now + self._ttl * 0.8, token)
        return token

    def headers_for(self, audience: str, scopes: Iterable[str] = ()) -> dict[str, str]:
        return {SERVICE_TOKEN_HEADER: self.token_for(audience, scopes)}

    def _sign(self, audience: str, scopes: tuple[str, ...], now: int) -> str:
        claims = {"iss": self.name, "sub": self.name, "aud": audience, "iat": now,
                  "exp": now + self._ttl, "scope": " ".join(scopes)}
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)


class TrustedCallers:
    """The callee's side: which callers it accepts, verifying their tokens (cached until exp)."""

    def __init__(self, audience: str, callers: Mapping[str, TrustedCaller], *,
                 clock: Callable[[], float] = time.time) -> None:
        self.audience, self.callers, self._clock = audience, dict(callers), clock
        self._verified: LRU[str, ServiceCaller] = LRU(_CACHE_SIZE, clock=clock)  # until exp

    def verify(self, token: str | None) -> ServiceCaller:
        """The caller ``token`` proves, or ServiceAuthError saying why not."""
        if not token:
            raise ServiceAuthError("this service accepts only authenticated services: "
                                   f"send a service token in {SERVICE_TOKEN_HEADER}")
        hit = self._verified.get(token)
        if hit is not None:
            return hit
        caller, exp = self._decode(token)
        self._verified.put(token, caller, expires=exp)
        return caller

    def _decode(self, token: str) -> tuple[ServiceCaller, float]:
        trusted, name = self._trusted(token)
        try:
            # Pinning EdDSA refuses "alg: none" and HMAC-with-the-public-key confusion.
            claims = jwt.decode(token, trusted.public_key, algorithms=[_ALGORITHM],
                                audience=self.audience, issuer=name,
                                options={"require": _REQUIRED})
        except jwt.ExpiredSignatureError as exc:
            raise ServiceAuthError("service token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise ServiceAuthError(f"service token is not for {self.audience}") from exc
        except jwt.PyJWTError as exc:
            raise ServiceAuthError("service token is invalid") from exc
        return _caller(name, claims, trusted), float(claims["exp"])

    def _trusted(self, token: str) -> tuple[TrustedCaller, str]:
        try:
            name = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as exc:
            raise ServiceAuthError("service token is invalid") from exc
        trusted = self.callers.get(name) if isinstance(name, str) else None
        if trusted is None:
            raise ServiceAuthError(f"service {name!r} is not a trusted caller of {self.audience}")
        return trusted, name


def _caller(name: str, claims: dict[str, object], trusted: TrustedCaller) -> ServiceCaller:
    if float(claims["exp"]) - float(claims["iat"]) > MAX_LIFETIME_SECONDS:  # type: ignore[arg-type]
        raise ServiceAuthError("service token lives longer than allowed")
    scope = claims.get("scope", "")
    scopes = frozenset(scope.split()) if isinstance(scope, str) else None
    if scopes is None:
        raise ServiceAuthError("service token is invalid")
    refused = sorted(s for s in scopes if s not in trusted.scopes and "*" not in trusted.scopes)
    if refused:
        raise ServiceAuthError(f"service {name!r} may not hold scope {', '.join(refused)}")
    return ServiceCaller(name, scopes)
