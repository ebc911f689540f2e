"""Public keys by ``kid``: a fixed set, or the users service's JWKS fetched over HTTP and cached.

An unknown ``kid`` triggers a refetch (a key rotated in since the last fetch), but such
refetches happen at most once per ``min_refresh_seconds``, so tokens with made-up kids cannot
hammer the users service; the first fetch and the periodic ones (``max_age_seconds``) do not
count against that budget, so a rotation right after a fetch still fails no request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import jwt

__all__ = ["KeySource", "RemoteJwks", "StaticKeys", "parse_jwks"]

log = logging.getLogger(__name__)


class KeySource(Protocol):
    """Where a verifier finds the public key a token names."""

    def key(self, kid: str) -> jwt.PyJWK | None: ...


def parse_jwks(document: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    """Keys with a ``kid`` and a usable type; the others are skipped (RFC 7517 §5)."""
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document.get("keys", []):
        try:
            if isinstance(entry, dict) and entry.get("kid"):
                keys[str(entry["kid"])] = jwt.PyJWK.from_dict(entry)
        except jwt.PyJWTError as error:
            log.warning("JWKS entry %s skipped: %s", entry.get("kid"), error)
    return keys


class StaticKeys:
    """A fixed key set (the users service verifying its own tokens, tests)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._keys = parse_jwks(document)

    def key(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)


class RemoteJwks:
    """The JWKS at ``url``: fetched on first use, again after ``max_age_seconds`` (so retired
    keys drop out) or for an unknown kid, never twice within ``min_refresh_seconds``."""

    def __init__(self, url: str, *, timeout: float = 2.0, min_refresh_seconds: float = 10.0,
                 max_age_seconds: float = 300.0, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.url = url
        self.timeout = timeout
        self.min_refresh_seconds = min_refresh_seconds
        self.max_age_seconds = max_age_seconds
        self.fetches = 0
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._unknown_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK | None:
        with self._lock:
            now = self._clock()
            if self._fetched_at is None or now - self._fetched_at > self.max_age_seconds:
                self._fetch(now)
            elif kid not in self._keys and self._may_refetch(now):
                self._unknown_at = now
                self._fetch(now)
            return self._keys.get(kid)

    def _may_refetch(self, now: float) -> bool:
        return self._unknown_at is None or now - self._unknown_at >= self.min_refresh_seconds

    def _fetch(self, now: float) -> None:
        self._fetched_at = now  # failed fetches count too: an outage is not hammered either
        self.fetches += 1
        try:
            response = httpx.get(self.url, timeout=self.timeout)
            response.raise_for_status()
            self._keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError) as error:
            log.warning("JWKS fetch from %s failed: %s", self.url, error)  # keep the old keys
