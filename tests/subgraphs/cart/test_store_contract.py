"""One contract for both cart stores: what the in-process store does, Redis does too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from subgraphs.cart.domain.memory_store import MemoryCartStore
from subgraphs.cart.domain.pricing import CatalogProduct
from subgraphs.cart.domain.records import CartKey, Line, StoredCart
from subgraphs.cart.domain.redis_store import RedisCartStore
from subgraphs.cart.domain.service import CartService
from subgraphs.cart.domain.store import CartStore
from tests.subgraphs.cart.harness import cart_settings, forget_namespace

ADA = CartKey("user", "ada")
GUEST = CartKey("guest", "g" * 20)
LINES = (Line("p1", 2), Line("p2", 1))


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.integration)])
async def store(
    request: pytest.FixtureRequest, redis_url: str, unique_namespace: str
) -> AsyncIterator[CartStore]:
    if request.param == "memory":
        yield MemoryCartStore(ttl_seconds=1)
        return
    redis_store = RedisCartStore(redis_url, unique_namespace, ttl_seconds=1)
    yield redis_store
    await redis_store.close()
    await forget_namespace(cart_settings(redis_url, unique_namespace))


async def test_a_cart_never_written_is_empty_at_version_0(store: CartStore) -> None:
    assert await store.load(ADA) == StoredCart(ADA)


async def test_a_saved_cart_is_read_back_with_its_lines_in_order(store: CartStore) -> None:
    assert await store.save(StoredCart(ADA).with_lines(LINES))
    assert await store.load(ADA) == StoredCart(ADA, LINES, 1)


async def test_a_save_based_on_a_stale_version_is_refused(store: CartStore) -> None:
    base = StoredCart(ADA)
    assert await store.save(base.with_lines(LINES))
    assert not await store.save(base.with_lines((Line("p3", 1),)))
    assert await store.load(ADA) == StoredCart(ADA, LINES, 1)


async def test_an_empty_cart_keeps_counting_versions(store: CartStore) -> None:
    first = StoredCart(ADA).with_lines(LINES)
    assert await store.save(first)
    assert await store.save(first.with_lines(()))
    assert await store.load(ADA) == StoredCart(ADA, (), 2)


async def test_absorbing_deletes_the_other_cart_in_the_same_step(store: CartStore) -> None:
    guest = StoredCart(GUEST).with_lines(LINES)
    assert await store.save(guest)
    assert await store.save(StoredCart(ADA).with_lines(LINES), absorbed=guest)
    assert await store.load(GUEST) == StoredCart(GUEST)
    assert (await store.load(ADA)).lines == LINES


async def test_absorbing_a_changed_cart_writes_nothing(store: CartStore) -> None:
    guest = StoredCart(GUEST).with_lines(LINES)
    assert await store.save(guest)
    assert await store.save(guest.with_lines(()))  # the guest changed meanwhile
    assert not await store.save(StoredCart(ADA).with_lines(LINES), absorbed=guest)
    assert await store.load(ADA) == StoredCart(ADA)
    assert (await store.load(GUEST)).version == 2


async def test_emptying_at_the_checked_out_version_writes_the_next_version(
    store: CartStore,
) -> None:
    assert await store.save(StoredCart(ADA).with_lines(LINES))
    assert await store.empty_at_version(ADA, 1)
    assert await store.load(ADA) == StoredCart(ADA, (), 2)
    assert await store.save(StoredCart(ADA, (), 2).with_lines(LINES))  # versions go on


@pytest.mark.parametrize("version", [0, 1, 3])
async def test_emptying_at_another_version_changes_nothing(store: CartStore, version: int) -> None:
    first = StoredCart(ADA).with_lines(LINES)
    assert await store.save(first)
    assert await store.save(first.with_lines((Line("p3", 1),)))  # changed after checkout
    assert not await store.empty_at_version(ADA, version)
    assert await store.load(ADA) == StoredCart(ADA, (Line("p3", 1),), 2)


async def test_an_empty_or_missing_cart_is_not_emptied_again(store: CartStore) -> None:
    assert not await store.empty_at_version(ADA, 0)
    assert await store.load(ADA) == StoredCart(ADA)
    first = StoredCart(ADA).with_lines(LINES)
    assert await store.save(first)
    assert await store.save(first.with_lines(()))
    assert not await store.empty_at_version(ADA, 2)
    assert await store.load(ADA) == StoredCart(ADA, (), 2)


async def test_emptying_refreshes_the_time_to_live(store: CartStore) -> None:
    assert await store.save(StoredCart(ADA).with_lines(LINES))
    await asyncio.sleep(0.6)
    assert await store.empty_at_version(ADA, 1)
    await asyncio.sleep(0.6)
    assert await store.load(ADA) == StoredCart(ADA, (), 2)


async def test_user_and_guest_carts_of_the_same_id_are_apart(store: CartStore) -> None:
    assert await store.save(StoredCart(CartKey("user", "same")).with_lines(LINES))
    assert await store.load(CartKey("guest", "same")) == StoredCart(CartKey("guest", "same"))


async def test_a_cart_expires_after_its_ttl_and_then_starts_over(store: CartStore) -> None:
    assert await store.save(StoredCart(ADA).with_lines(LINES))
    await asyncio.sleep(1.2)
    assert await store.load(ADA) == StoredCart(ADA)
    assert await store.save(StoredCart(ADA).with_lines(LINES))


async def test_ping_answers_when_the_store_is_up(store: CartStore) -> None:
    await store.ping()


async def test_the_memory_store_stays_bounded() -> None:
    store = MemoryCartStore(ttl_seconds=60, max_carts=3)
    for n in range(5):
        assert await store.save(StoredCart(CartKey("user", str(n))).with_lines(LINES))
    kept = [n for n in range(5) if (await store.load(CartKey("user", str(n)))).version]
    assert kept == [2, 3, 4]


async def test_two_carts_load_together_as_each_loads_alone(store: CartStore) -> None:
    # given a saved user cart and no guest cart
    assert await store.save(StoredCart(ADA, LINES, 1))
    # when both are loaded together, either way round
    together = await store.load_two(ADA, GUEST)
    reversed_ = await store.load_two(GUEST, ADA)
    # then each is what loading it alone reads
    alone = (await store.load(ADA), await store.load(GUEST))
    assert together == alone == (StoredCart(ADA, LINES, 1), StoredCart(GUEST))
    assert reversed_ == alone[::-1]


@pytest.mark.integration
async def test_a_merge_reads_both_carts_in_one_redis_round_trip(
    redis_url: str, unique_namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a Redis store holding a guest cart, counting its round trips
    store = RedisCartStore(redis_url, unique_namespace, ttl_seconds=60)
    assert await store.save(StoredCart(GUEST, LINES, 1))
    sent: list[str] = []
    real_command, real_pipeline = Redis.execute_command, Pipeline.execute

    async def command(self, *args, **options):  # type: ignore[no-untyped-def]
        sent.append(str(args[0]))
        return await real_command(self, *args, **options)

    async def pipeline(self, *args, **options):  # type: ignore[no-untyped-def]
        sent.append("PIPELINE")
        return await real_pipeline(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", command)
    monkeypatch.setattr(Pipeline, "execute", pipeline)
    # when the guest cart is merged into the user's
    try:
        merged = await CartService(store).merge(ADA, GUEST, Stocked())
    finally:
        monkeypatch.undo()
        await store.close()
        await forget_namespace(cart_settings(redis_url, unique_namespace))
    # then one round trip read both carts and one script wrote the merge
    assert [line.quantity for line in merged.lines] == [2, 1]
    assert sent == ["PIPELINE", "EVALSHA"]


class Stocked:
    async def lookup(self, product_ids: list[str]) -> dict[str, CatalogProduct]:
        return {pid: CatalogProduct(pid, pid, 100, "USD", 10) for pid in product_ids}
