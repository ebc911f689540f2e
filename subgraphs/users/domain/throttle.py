"""Login throttling: failed attempts counted per account and per client address in fixed
windows (Redis when configured, in-process otherwise); past a limit, logins are refused
before any password is checked. Unknown emails count like known ones (no enumeration).
Redis unreachable: logins are not throttled (logged), rather than refused for everyone."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Protocol

from subgraphs.users.domain.errors import TooManyAttempts

__all__ = ["Counters", "LoginThrottle", "MemoryCounters", "RedisCounters", "ThrottleLimits"]

log = logging.getLogger(__name__)


class Counters(Protocol):
    async def get(self, key: str) -> int: ...
    async def incr(self, key: str, window: int) -> int: ...
    async def reset(self, key: str) -> None: ...


class MemoryCounters:
    """One process's counters (dev without Redis); expired windows restart at zero."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}

    async def get(self, key: str) -> int:
        until, count = self._counts.get(key, (0.0, 0))
        return count if time.monotonic() < until else 0

    async def incr(self, key: str, window: int) -> int:
        until, count = self._counts.get(key, (0.0, 0))
        if time.monotonic() >= until:
            until, count = time.monotonic() + window, 0
        self._counts[key] = (until, count + 1)
        return count + 1

    async def reset(self, key: str) -> None:
        self._counts.pop(key, None)


class RedisCounters:
    """Counters shared by every users replica: INCR, and EXPIRE when the window starts."""

    def __init__(self, url: str, namespace: str) -> None:
        from redis.asyncio import Redis
        from redis.exceptions import RedisError

        self._redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._errors = (RedisError, OSError)
        self.namespace = namespace

    async def get(self, key: str) -> int:
        try:
            return int(await self._redis.get(f"{self.namespace}:{key}") or 0)
        except self._errors as error:
            log.warning("login throttle unavailable, not throttling: %s", error)
            return 0

    async def incr(self, key: str, window: int) -> int:
        name = f"{self.namespace}:{key}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                count, _ = await pipe.incr(name).expire(name, window, nx=True).execute()
        except self._errors as error:
            log.warning("login throttle unavailable, failure not counted: %s", error)
            return 0
        return int(count)

    async def reset(self, key: str) -> None:
        try:
            await self._redis.delete(f"{self.namespace}:{key}")
        except self._errors as error:
            log.warning("login throttle unavailable, counter not reset: %s", error)


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    per_account: int = 5
    per_address: int = 50
    window_seconds: int = 900


class LoginThrottle:
    """``check`` before verifying a password, ``failed``/``succeeded`` after."""

    def __init__(self, counters: Counters, limits: ThrottleLimits | None = None) -> None:
        self.counters = counters
        self.limits = limits or ThrottleLimits()

    async def check(self, email: str, address: str) -> None:
        limits = self.limits
        if (await self.counters.get(f"account:{email}") >= limits.per_account
                or (address and await self.counters.get(f"address:{address}")
                    >= limits.per_address)):
            raise TooManyAttempts(limits.window_seconds)

    async def check_address(self, address: str) -> None:
        """Registration: only the address counts (a duplicate email is a failure of it)."""
        if address and await self.counters.get(f"address:{address}") >= self.limits.per_address:
            raise TooManyAttempts(self.limits.window_seconds)

    async def failed_address(self, address: str) -> None:
        if address:
            await self.counters.incr(f"address:{address}", self.limits.window_seconds)

    async def failed(self, email: str, address: str) -> None:
        await self.counters.incr(f"account:{email}", self.limits.window_seconds)
        if address:
            await self.counters.incr(f"address:{address}", self.limits.window_seconds)

    async def succeeded(self, email: str) -> None:
        await self.counters.reset(f"account:{email}")
