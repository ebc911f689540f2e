"""One contract for both cache stores: what the in-process store does, Redis does too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest

from subgraphs.kit.cache import AtomicStep, Cache, MemoryCache, RedisCache, StepStore


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.integration)])
async def cache(
    request: pytest.FixtureRequest, redis_url: str, unique_namespace: str
) -> AsyncIterator[Cache]:
    store: Cache
    if request.param == "memory":
        store = MemoryCache(unique_namespace)
    else:
        store = RedisCache(redis_url, unique_namespace)
    yield store
    await store.close()


async def test_a_value_set_is_read_back(cache: Cache) -> None:
    await cache.set("k", b"v", 60)
    assert await cache.get("k") == b"v"


async def test_a_missing_key_is_a_miss(cache: Cache) -> None:
    assert await cache.get("absent") is None


async def test_deleted_keys_are_misses(cache: Cache) -> None:
    await cache.set("a", b"1", 60)
    await cache.set("b", b"2", 60)
    await cache.delete("a", "b")
    assert await cache.get("a") is None
    assert await cache.get("b") is None


async def test_entries_expire_after_their_ttl(cache: Cache) -> None:
    await cache.set("short", b"v", 1)
    await asyncio.sleep(1.2)
    assert await cache.get("short") is None


async def test_namespaces_do_not_see_each_other(redis_url: str) -> None:
    first, second = MemoryCache("one"), MemoryCache("two")
    await first.set("k", b"1", 60)
    assert await second.get("k") is None


async def test_ping_answers_when_the_store_is_up(cache: Cache) -> None:
    await cache.ping()


async def test_many_keys_are_read_in_order_with_misses_as_none(cache: Cache) -> None:
    await cache.set("a", b"1", 60)
    await cache.set("c", b"3", 60)
    assert await cache.get_many(["a", "b", "c", "a"]) == [b"1", None, b"3", b"1"]
    assert await cache.get_many([]) == []


def _claim_local(store: StepStore, keys: Sequence[str], args: Sequence[bytes | int]) -> int:
    if store.get(keys[0]) is not None:
        return 0
    store.set(keys[0], bytes(args[0]), int(args[1]))  # type: ignore[arg-type]
    return 1


# Store ARGV[1] under KEYS[1] unless it holds a value: a compare-and-set in both stores.
CLAIM = AtomicStep(
    """
if redis.call('GET', KEYS[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
""",
    _claim_local,
)


async def test_atomic_steps_run_in_order_and_see_each_others_writes(cache: Cache) -> None:
    # when three claims run in one call, two of them on the same key
    results = await cache.run(CLAIM, [(["a"], [b"first", 60]), (["a"], [b"second", 60]),
                                      (["b"], [b"third", 60])])
    # then the first claim of each key won, in order, and a single run works alike
    assert results == [1, 0, 1]
    assert await cache.get_many(["a", "b"]) == [b"first", b"third"]
    assert await cache.run(CLAIM, [(["b"], [b"fourth", 60])]) == [0]
    assert await cache.run(CLAIM, []) == []
