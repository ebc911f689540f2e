"""Carts in Redis, shared by every replica: one hash per cart (``version``, ``lines``).

Compare-and-set runs as one Lua script, which Redis executes atomically, so concurrent writers
on any replica never lose each other's updates; emptying a checked-out cart is one script too
(its check and its write in one round trip). A merge touches two keys in one script; that
needs a single Redis (or both keys in one hash slot), which is what DESIGN.md deploys.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from subgraphs.cart.domain.errors import CartStoreUnavailable
from subgraphs.cart.domain.records import CartKey, StoredCart
from subgraphs.cart.domain.store import decode_lines, encode_lines

__all__ = ["RedisCartStore"]

# KEYS[1] cart, KEYS[2] absorbed cart (optional);
# ARGV: expected version, new version, lines JSON, ttl seconds, absorbed version.
_SAVE = """
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
if KEYS[2] then
  local other = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
  if other ~= tonumber(ARGV[5]) then return 0 end
  redis.call('DEL', KEYS[2])
end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'lines', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
"""

# KEYS[1] cart; ARGV: checked-out version, next version, empty lines JSON, ttl seconds.
_EMPTY_AT_VERSION = """
local stored = redis.call('HMGET', KEYS[1], 'version', 'lines')
if not stored[1] or not stored[2] then return 0 end
if tonumber(stored[1]) ~= tonumber(ARGV[1]) or stored[2] == ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'lines', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
"""
_NO_LINES = encode_lines(())
_FIELDS = ["version", "lines"]


class RedisCartStore:
    def __init__(self, url: str, namespace: str, ttl_seconds: int) -> None:
        self._redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._namespace = namespace
        self._ttl = ttl_seconds
        self._save = self._redis.register_script(_SAVE)
        self._empty_at_version = self._redis.register_script(_EMPTY_AT_VERSION)

    async def load(self, key: CartKey) -> StoredCart:
        async with _reachable():
            stored = await self._redis.hmget(self._key(key), _FIELDS)
        return _cart(key, stored)

    async def load_two(self, first: CartKey, second: CartKey) -> tuple[StoredCart, StoredCart]:
        # Both reads in one round trip; each cart's version is checked again when saving.
        pipeline = self._redis.pipeline(transaction=False)
        pipeline.hmget(self._key(first), _FIELDS).hmget(self._key(second), _FIELDS)
        async with _reachable():
            one, two = await pipeline.execute()
        return _cart(first, one), _cart(second, two)

    async def save(self, cart: StoredCart, *, absorbed: StoredCart | None = None) -> bool:
        keys = [self._key(cart.key)]
        args: list[object] = [cart.version - 1, cart.version, encode_lines(cart.lines), self._ttl]
        if absorbed is not None:
            keys.append(self._key(absorbed.key))
            args.append(absorbed.version)
        async with _reachable():
            return bool(await self._save(keys=keys, args=args))

    async def empty_at_version(self, key: CartKey, version: int) -> bool:
        args = [version, version + 1, _NO_LINES, self._ttl]
        async with _reachable():
            return bool(await self._empty_at_version(keys=[self._key(key)], args=args))

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()

    def _key(self, key: CartKey) -> str:
        return f"{self._namespace}:{key.storage}"


def _cart(key: CartKey, stored: list[bytes | None]) -> StoredCart:
    version, lines = stored
    if version is None or lines is None:
        return StoredCart(key)
    return StoredCart(key, decode_lines(lines), int(version))


@asynccontextmanager
async def _reachable() -> AsyncIterator[None]:
    # A lost connection is an outage to report with a code, not an internal error. A timed-out
    # save may still have been applied; the client sees an error and re-reads the cart.
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError) as exc:
        raise CartStoreUnavailable("Carts are unavailable right now; try again") from exc
