"""The minimum token version per user: bumped by users on a password or role change, so that
access tokens issued before it are refused before they expire.

users writes ``<namespace>:<user id>`` in Redis (with a TTL of one access-token lifetime: older
tokens have expired by then); verifiers read it through ``CachedVersions`` (a few seconds per
user), or over HTTP from users in dev without Redis. Worst case, a revoked token keeps working
for the cache's TTL after the bump. An unreachable store keeps the last value read (fail-open,
logged): revocation must not turn a Redis outage into a platform outage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol
from urllib.parse import quote

import httpx

from common.lru import LRU

__all__ = [
    "VERSION_NAMESPACE",
    "CachedVersions",
    "HttpVersions",
    "LocalVersions",
    "RedisVersions",
    "TokenVersions",
]

log = logging.getLogger(__name__)
VERSION_NAMESPACE = "auth:token-version"


class TokenVersions(Protocol):
    """``minimum(user_id)``: tokens with a smaller ``ver`` claim are revoked."""

    def minimum(self, subject: str) -> int: ...


class LocalVersions:
    """In-process minimums: what users itself knows (and what dev without Redis serves)."""

    def __init__(self) -> None:
        self._minimums: dict[str, int] = {}

    def minimum(self, subject: str) -> int:
        return self._minimums.get(subject, 0)

    def raise_to(self, subject: str, version: int) -> None:
        self._minimums[subject] = max(version, self._minimums.get(subject, 0))


class RedisVersions:
    """Reads the minimums users publishes in Redis (a blocking GET with a short timeout)."""

    def __init__(self, url: str, namespace: str = VERSION_NAMESPACE, timeout: float = 0.5) -> None:
        import redis  # only deployments with Redis need the client

        self._redis = redis.Redis.from_url(url, socket_timeout=timeout,
                                           socket_connect_timeout=timeout)
        self.namespace = namespace

    def minimum(self, subject: str) -> int:
        value = self._redis.get(f"{self.namespace}:{subject}")
        return int(value) if value is not None else 0


class HttpVersions:
    """Asks users' ``GET <base>/<user id>`` (dev without Redis) over one pooled keep-alive
    client: a client (and its TLS context and connection) per lookup cost the gateway ~20 ms of
    CPU per request in the shop benchmark with a few hundred users. httpx's client is safe to
    share between the threads verifiers call this from."""

    def __init__(self, base_url: str, timeout: float = 1.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._client = httpx.Client(timeout=timeout, transport=transport,
                                    limits=httpx.Limits(max_connections=8,
                                                        max_keepalive_connections=8))

    def minimum(self, subject: str) -> int:
        # One path segment whatever the subject holds ('/', '?', '#', '..', '%'): an identity
        # provider's subject must not reach another route or turn into a query (RFC 3986 3.3).
        response = self._client.get(f"{self.base_url}/{quote(subject, safe='')}")
        response.raise_for_status()
        return int(response.json()["minimum"])

    def close(self) -> None:
        self._client.close()


class CachedVersions:
    """``source`` read at most once per ``ttl_seconds`` per user; bounded, oldest out first."""

    def __init__(self, source: TokenVersions, ttl_seconds: float = 5.0, size: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self.ttl_seconds = ttl_seconds
        self.size = size
        self._clock = clock
        self._entries: LRU[str, tuple[float, int]] = LRU(size)  # (read at, minimum version)

    def minimum(self, subject: str) -> int:
        now = self._clock()
        hit = self._entries.get(subject)
        if hit is not None and now - hit[0] < self.ttl_seconds:
            return hit[1]
        value = self._read(subject, hit[1] if hit else 0)
        self._entries.put(subject, (now, value))
        return value

    def _read(self, subject: str, last: int) -> int:
        try:
            return self.source.minimum(subject)
        except Exception as error:  # any store failure: keep the last value (module docstring)
            log.warning("token version lookup failed, using the last known: %s", error)
            return last
