"""Token buckets per client: in-process, or in Redis (one atomic Lua script) across replicas.

A bucket holds at most ``burst`` tokens and refills at ``rate`` tokens per second; a request
takes one token, or is refused with the seconds until one is back (for ``Retry-After``).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from common.lru import LRU

__all__ = ["Buckets", "InProcessBuckets", "RedisBuckets"]


class Buckets(Protocol):
    """``take(key)``: 0.0 when a token was taken, else the seconds to wait for one."""

    async def take(self, key: str) -> float: ...


class InProcessBuckets:
    """Buckets in a bounded LRU (an idle client's bucket is full again anyway)."""

    def __init__(self, rate: float, burst: int, max_clients: int = 100_000) -> None:
        self.rate, self.burst, self.max_clients = rate, burst, max_clients
        self._buckets: LRU[str, tuple[float, float]] = LRU(max_clients)

    async def take(self, key: str) -> float:
        now = time.monotonic()
        tokens, stamp = self._buckets.get(key) or (float(self.burst), now)
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets.put(key, (tokens - 1 if wait == 0 else tokens, now))
        return wait


# KEYS[1]: the bucket; ARGV: rate, burst. Redis's own clock, so replicas agree on time.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisBuckets:
    """Buckets under ``gateway:rate:<key>``, shared by every gateway replica."""

    def __init__(self, redis: Any, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._script = redis.register_script(_TAKE)

    async def take(self, key: str) -> float:
        wait = await self._script(keys=[f"gateway:rate:{key}"], args=[self.rate, self.burst])
        return float(wait)
