"""The minimum token version per user: bumped by users on a password or role change, so that
access tokens issued before it are refused before they expire.

users writes ``<namespace>:<user id>`` in Redis (with a TTL of one access-token lifetime: older
tokens have expired by then); verifiers read it through ``RefreshedVersions``
(common.auth.refreshed_versions: every cached minimum re-read in one batch per half TTL, off the
caller's thread), or over HTTP from users in dev without Redis (service-only routes: the caller
sends its service token). Worst case, a revoked token keeps working for the cache's TTL after the
bump. An unreachable store, or users refusing the caller, keeps the last value read (fail-open,
logged): revocation must not turn a Redis outage into a platform outage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import quote

import httpx

__all__ = [
    "VERSION_NAMESPACE",
    "BatchUnavailable",
    "HttpVersions",
    "LocalVersions",
    "RedisVersions",
    "TokenVersions",
    "VersionLookupRefused",
    "VersionStore",
]

log = logging.getLogger(__name__)
VERSION_NAMESPACE = "auth:token-version"
_REFUSALS = (401, 403)


class TokenVersions(Protocol):
    """What a verifier asks: ``minimum(user_id)`` (tokens with a smaller ``ver`` claim are
    revoked), and ``known(user_id)``: the same answer when it needs no I/O, else None."""

    def minimum(self, subject: str) -> int: ...

    def known(self, subject: str) -> int | None: ...


class BatchUnavailable(Exception):
    """The store cannot read many subjects in one round trip for this caller (users does not
    trust it with the batch route): subjects are then read one at a time, when looked up."""


class VersionLookupRefused(Exception):
    """users refused this caller's token-version lookup (HTTP 401/403): it sent no service
    credential, or one users does not accept."""


class VersionStore(Protocol):
    """Where the minimums are read: one subject (``minimum``), or many in one round trip
    (``minimums``: every subject asked for, 0 for one never bumped; ``BatchUnavailable`` when
    this caller cannot). Both block."""

    def minimum(self, subject: str) -> int: ...

    def minimums(self, subjects: Sequence[str]) -> dict[str, int]: ...


class LocalVersions:
    """In-process minimums: what users itself knows (and what dev without Redis serves)."""

    def __init__(self) -> None:
        self._minimums: dict[str, int] = {}

    def minimum(self, subject: str) -> int:
        return self._minimums.get(subject, 0)

    def known(self, subject: str) -> int | None:
        return self._minimums.get(subject, 0)  # in memory: always answerable without I/O

    def raise_to(self, subject: str, version: int) -> None:
        self._minimums[subject] = max(version, self._minimums.get(subject, 0))


class RedisVersions:
    """Reads the minimums users publishes in Redis (blocking GET or MGET, short timeouts)."""

    def __init__(self, url: str, namespace: str = VERSION_NAMESPACE, timeout: float = 0.5) -> None:
        import redis  # only deployments with Redis need the client

        self._redis = redis.Redis.from_url(url, socket_timeout=timeout,
                                           socket_connect_timeout=timeout)
        self.namespace = namespace

    def minimum(self, subject: str) -> int:
        value = self._redis.get(f"{self.namespace}:{subject}")
        return int(value) if value is not None else 0

    def minimums(self, subjects: Sequence[str]) -> dict[str, int]:
        values = self._redis.mget([f"{self.namespace}:{s}" for s in subjects])
        return {s: int(v) if v is not None else 0 for s, v in zip(subjects, values, strict=True)}

    def close(self) -> None:
        self._redis.close()


class HttpVersions:
    """Asks users (dev without Redis) over one pooled keep-alive client: ``GET <base>/<user id>``
    for one subject, ``POST <base>`` with ``{"subjects": [...]}`` for many. Both are service-only
    routes: ``credential`` gives the service-token headers sent with every request (None: service
    auth is off, and users too trusts every caller). A refused lookup (HTTP 401/403) raises
    ``VersionLookupRefused`` naming the fix; a refused batch raises ``BatchUnavailable`` once,
    and is not asked again. A client per lookup cost the gateway ~20 ms of CPU per request in
    the shop benchmark; httpx's client is safe to share between threads."""

    def __init__(self, base_url: str, timeout: float = 1.0,
                 transport: httpx.BaseTransport | None = None,
                 credential: Callable[[], dict[str, str]] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.credential = credential
        self._refused = False
        self._client = httpx.Client(timeout=timeout, transport=transport,
                                    limits=httpx.Limits(max_connections=8,
                                                        max_keepalive_connections=8))

    def minimum(self, subject: str) -> int:
        # One path segment whatever the subject holds ('/', '?', '#', '..', '%'): an identity
        # provider's subject must not reach another route or turn into a query (RFC 3986 3.3).
        response = self._client.get(f"{self.base_url}/{quote(subject, safe='')}",
                                    headers=self._headers())
        if response.status_code in _REFUSALS:
            raise VersionLookupRefused(_refusal(response))
        response.raise_for_status()
        return int(response.json()["minimum"])

    def minimums(self, subjects: Sequence[str]) -> dict[str, int]:
        if self._refused:
            raise BatchUnavailable("users refused this caller's batch token-version lookup")
        response = self._client.post(self.base_url, json={"subjects": list(subjects)},
                                     headers=self._headers())
        if response.status_code not in _REFUSALS:
            response.raise_for_status()
            answer = response.json()["minimums"]
            return {s: int(answer[s]) for s in subjects}  # one left out: an error
        # users does not trust this caller (no credential while service auth is on, or not
        # among users' trusted callers): it refuses the one-user route too, so each stale
        # lookup fails open, logged; the background refresher stops instead of asking for
        # every user in use every half TTL to be refused each time.
        self._refused = True
        log.error("%s: token versions are not refreshed in the background", _refusal(response))
        raise BatchUnavailable("users refused this caller's batch token-version lookup")

    def _headers(self) -> dict[str, str]:
        return self.credential() if self.credential is not None else {}

    def close(self) -> None:
        self._client.close()


def _refusal(response: httpx.Response) -> str:
    """What users said when it refused a lookup, and what to do about it."""
    try:
        body = response.json()
    except ValueError:
        body = None
    said = str(body.get("error", ""))[:200] if isinstance(body, dict) else ""
    return (f"users refused this service's token-version lookup (HTTP {response.status_code}"
            f"{': ' + said if said else ''}); it needs a service credential users trusts "
            "(its service key, and its name in users' TRUSTED_CALLERS)")
