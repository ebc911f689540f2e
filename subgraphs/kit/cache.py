"""A small key-value cache behind one interface: Redis when configured, in-process otherwise.

Both count look-ups in ``cache_lookups_total{cache, result}`` (``cache`` = the namespace), so
the hit ratio (DESIGN.md expects > 80 % for the catalogue) is on /metrics.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from common.lru import LRU
from common.telemetry.tally import Counter

__all__ = ["AtomicStep", "Cache", "MemoryCache", "RedisCache", "StepStore", "make_cache"]


LOOKUPS = Counter("cache_lookups_total", "Cache look-ups by outcome (hit or miss)",
                  ["cache", "result"])


class _Lookups:
    """The hit and miss counters of one namespace."""

    __slots__ = ("hits", "misses")

    def __init__(self, namespace: str) -> None:
        self.hits, self.misses = LOOKUPS.labels(namespace, "hit"), LOOKUPS.labels(namespace, "miss")

    def count(self, values: Sequence[bytes | None]) -> None:
        missed = sum(1 for value in values if value is None)
        if missed:
            self.misses.inc(missed)
        if len(values) > missed:
            self.hits.inc(len(values) - missed)


class StepStore(Protocol):
    """The keys an in-process ``AtomicStep`` reads and writes (unprefixed, as in ``run``)."""

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...


@dataclass(frozen=True, eq=False)
class AtomicStep:
    """A read-decide-write step over a few keys that no other client can interleave with: a
    compare-and-set. ``lua`` runs it on Redis (``KEYS``, ``ARGV`` as strings; Redis runs a
    script atomically); ``local`` is the same step in-process, called with the store, the keys
    and the args as given to ``Cache.run``. Both return an integer."""

    lua: str
    local: Callable[[StepStore, Sequence[str], Sequence[bytes | int]], int]


Step = tuple[Sequence[str], Sequence[bytes | int]]  # (keys, args) of one run


class Cache(Protocol):
    """Bytes in, bytes out, with a time to live; misses return None."""

    async def get(self, key: str) -> bytes | None: ...
    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of ``keys`` in order (None for misses), in one round trip."""
        ...
    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...
    async def delete(self, *keys: str) -> None: ...
    async def run(self, step: AtomicStep, runs: Sequence[Step]) -> list[int]:
        """Run ``step`` once per (keys, args) in ``runs``, each atomically, all in one round
        trip; the results in order."""
        ...
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


class MemoryCache:
    """Bounded LRU with per-entry expiry; for one process in dev and tests."""

    def __init__(self, namespace: str, max_entries: int = 10_000) -> None:
        self._namespace = namespace
        self._entries: LRU[str, bytes] = LRU(max_entries)
        self._lookups = _Lookups(namespace)

    async def get(self, key: str) -> bytes | None:
        value = self._get(key)
        self._lookups.count((value,))
        return value

    def _get(self, key: str) -> bytes | None:
        return self._entries.get(self._key(key))

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        values = [self._get(key) for key in keys]
        self._lookups.count(values)
        return values

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._set(key, value, ttl_seconds)

    def _set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._entries.put(self._key(key), value, expires=time.monotonic() + ttl_seconds)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._entries.pop(self._key(key))

    async def run(self, step: AtomicStep, runs: Sequence[Step]) -> list[int]:
        # no await inside: each step is atomic on the event loop
        store = _LocalStore(self)
        return [step.local(store, keys, args) for keys, args in runs]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._entries.clear()

    def _key(self, key: str) -> str:
        return f"{self._namespace}:{key}"


class RedisCache:
    """Shared cache for many replicas; keys are namespaced per service."""

    def __init__(self, url: str, namespace: str) -> None:
        self._redis = Redis.from_url(url)
        self._namespace = namespace
        self._lookups = _Lookups(namespace)
        self._scripts: dict[AtomicStep, str] = {}  # step -> its script's SHA1 on the server

    async def get(self, key: str) -> bytes | None:
        value = await self._redis.get(self._key(key))
        self._lookups.count((value,))
        return value

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        values = list(await self._redis.mget([self._key(k) for k in keys]))
        self._lookups.count(values)
        return values

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        await self._redis.set(self._key(key), value, ex=ttl_seconds)

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.delete(*(self._key(k) for k in keys))

    async def run(self, step: AtomicStep, runs: Sequence[Step]) -> list[int]:
        if not runs:
            return []
        sha = self._scripts.get(step)
        if sha is None:
            sha = self._scripts[step] = await self._redis.script_load(step.lua)
        try:
            return await self._evalsha(sha, runs)
        except NoScriptError:  # the server lost its scripts (restart, SCRIPT FLUSH): once more
            await self._redis.script_load(step.lua)
            return await self._evalsha(sha, runs)

    async def _evalsha(self, sha: str, runs: Sequence[Step]) -> list[int]:
        commands = [(len(keys), *(self._key(k) for k in keys), *args) for keys, args in runs]
        if len(commands) == 1:
            return [int(await self._redis.evalsha(sha, *commands[0]))]
        pipeline = self._redis.pipeline(transaction=False)
        for command in commands:
            pipeline.evalsha(sha, *command)
        return [int(result) for result in await pipeline.execute()]

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()

    def _key(self, key: str) -> str:
        return f"{self._namespace}:{key}"


class _LocalStore:
    """A ``MemoryCache`` as the synchronous ``StepStore`` of an in-process step."""

    __slots__ = ("_cache",)

    def __init__(self, cache: MemoryCache) -> None:
        self._cache = cache

    def get(self, key: str) -> bytes | None:
        return self._cache._get(key)

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._cache._set(key, value, ttl_seconds)


def make_cache(redis_url: str, namespace: str) -> Cache:
    """Redis when ``redis_url`` is set, the in-process store otherwise."""
    return RedisCache(redis_url, namespace) if redis_url else MemoryCache(namespace)
