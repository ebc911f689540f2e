"""Cache-aside reads: served from the cache, and never stale after a committed write."""

from __future__ import annotations

import asyncio

from subgraphs.kit.cache import Cache, RedisCache
from subgraphs.products.domain.records import ProductPatch
from tests.subgraphs.products.harness import (
    Harness,
    count_queries,
    open_harness,
    stalled_loads,
)

READ = "query($id: ID!) { product(id: $id) { price { amount } stock } }"
SET_PRICE = """mutation($id: ID!, $amount: Int!) {
  updateProduct(id: $id, input: {price: {amount: $amount, currency: "USD"}}) { id } }"""


async def test_a_read_after_update_product_returns_the_new_price(cached_app: Harness) -> None:
    # given a product whose price has been read (and so cached)
    product = await cached_app.create(price={"amount": 1000, "currency": "USD"})
    first = await cached_app.gql(READ, {"id": product["id"]})
    assert first["data"]["product"]["price"]["amount"] == 1000
    # when an admin changes the price
    await cached_app.gql(SET_PRICE, {"id": product["id"], "amount": 1500}, as_="admin")
    # then the next read returns the new price
    second = await cached_app.gql(READ, {"id": product["id"]})
    assert second["data"]["product"]["price"]["amount"] == 1500


async def test_a_read_after_adjust_stock_returns_the_new_stock(cached_app: Harness) -> None:
    # given a product with 10 units, read once
    product = await cached_app.create(stock=10)
    await cached_app.gql(READ, {"id": product["id"]})
    # when 3 units are removed
    await cached_app.gql(
        "mutation($id: ID!) { adjustStock(productId: $id, delta: -3) { id } }",
        {"id": product["id"]}, as_="admin",
    )
    # then the next read shows 7
    result = await cached_app.gql(READ, {"id": product["id"]})
    assert result["data"]["product"]["stock"] == 7


async def test_a_repeated_read_is_served_without_the_database(cached_app: Harness) -> None:
    # given a product read once
    product = await cached_app.create()
    await cached_app.gql(READ, {"id": product["id"]})
    # when it is read again
    with count_queries(cached_app.services.database.engine) as statements:
        result = await cached_app.gql(READ, {"id": product["id"]})
    # then the cache answered
    assert result["data"]["product"] is not None
    assert statements == []


async def test_a_fill_racing_a_write_never_serves_the_old_row(cached_app: Harness) -> None:
    # given a reader that loads the old row, then stalls until a write has committed
    product = await cached_app.create(price={"amount": 1000, "currency": "USD"})
    services, written = cached_app.services, asyncio.Event()
    real_get_many = services.products.get_many

    async def slow_get_many(session, ids):  # type: ignore[no-untyped-def]
        rows = await real_get_many(session, ids)
        await written.wait()
        return rows

    services.products.get_many = slow_get_many  # type: ignore[method-assign]
    reader = asyncio.create_task(services.catalog.get_many([product["id"]]))
    await asyncio.sleep(0.05)
    # when the write commits and invalidates while the reader still holds the old row
    async with services.database.transaction() as session:
        await services.products.update(
            session, product["id"], ProductPatch({"price_amount": 2000})
        )
    await services.catalog.invalidate(product["id"])
    written.set()
    stale = await reader
    services.products.get_many = real_get_many  # type: ignore[method-assign]
    # then the stale fill is never seen by a later read
    assert stale[0] is not None and stale[0].price_amount == 1000
    fresh = await services.catalog.get_many([product["id"]])
    assert fresh[0] is not None and fresh[0].price_amount == 2000


async def test_reads_fall_back_to_the_database_when_the_cache_is_down(sqlite_url: str) -> None:
    # given the app wired to a Redis nobody listens on
    down = RedisCache("redis://127.0.0.1:1/0", "down")
    async with open_harness(sqlite_url, down) as app:
        product = await app.create()
        # when a product is read
        result = await app.gql(READ, {"id": product["id"]})
        # then it is still served, and /ready reports the cache
        assert result["data"]["product"]["stock"] == 10
        ready = await app.client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["cache"].startswith("unavailable")


async def test_a_corrupt_cache_entry_is_a_miss(cached_app: Harness) -> None:
    # given a product whose cache entry has been overwritten with garbage
    product = await cached_app.create(stock=4)
    entry = b"0\n\x00garbage"  # filled under the current (first) generation, undecodable
    await cached_app.services.cache.set(f"product:v3:{product['id']}", entry, 60)
    # when it is read
    result = await cached_app.gql(READ, {"id": product["id"]})
    # then the database answers instead of the request failing
    assert result["data"]["product"]["stock"] == 4


class CountingCache:
    """The cache under test, counting the round trips made through it."""

    def __init__(self, inner: Cache) -> None:
        self.inner, self.round_trips = inner, 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        method = getattr(self.inner, name)

        async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.round_trips += 1
            return await method(*args, **kwargs)

        return counted


async def test_a_cached_lookup_is_one_cache_round_trip(cached_app: Harness) -> None:
    # given two products read once (and so cached)
    services = cached_app.services
    ids = [(await cached_app.create(sku=sku))["id"] for sku in ("SKU-A", "SKU-B")]
    await services.catalog.get_many(ids)
    counting = CountingCache(services.cache)
    services.catalog.cache = counting  # type: ignore[assignment]
    # when both are looked up again
    with count_queries(services.database.engine) as statements:
        found = await services.catalog.get_many(ids)
    # then one cache round trip answered both, without the database
    assert [record.id for record in found if record is not None] == ids
    assert (counting.round_trips, statements) == (1, [])


async def test_a_stale_fill_landing_after_a_fresh_one_is_never_served(
    cached_app: Harness,
) -> None:
    # given a reader that loads the old price, then stalls until a write has committed
    product = await cached_app.create(price={"amount": 1000, "currency": "USD"})
    services = cached_app.services
    with stalled_loads(services) as gate:
        old_reader = asyncio.create_task(services.catalog.get_many([product["id"]]))
        await gate.stalled.wait()
        # when the write commits and invalidates, a second reader fills the new price, and
        # only then does the stalled reader fill its old row over it
        async with services.database.transaction() as session:
            await services.products.update(
                session, product["id"], ProductPatch({"price_amount": 2000})
            )
        await services.catalog.invalidate(product["id"])
        fresh = await services.catalog.get_many([product["id"]])
        gate.release.set()
        await old_reader
    # then every later read still returns the new price
    assert fresh[0] is not None and fresh[0].price_amount == 2000
    later = await services.catalog.get_many([product["id"]])
    assert later[0] is not None and later[0].price_amount == 2000
