"""Stock changes of the saga are written through to the cache, and an older copy of a row
never replaces a newer one, whichever order the writes reach the cache in."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from subgraphs.products.domain.records import ProductRecord
from subgraphs.products.events.after_commit import after_commit, boundary_database
from tests.subgraphs.products.harness import Harness, count_queries, stalled_loads
from tests.subgraphs.products.saga import Saga, order_created
from tests.subgraphs.products.test_catalog_cache import CountingCache

READ = "query($id: ID!) { product(id: $id) { stock } }"


async def _cached_record(app: Harness, product_id: str) -> ProductRecord:
    [record] = await app.services.catalog.get_many([product_id])
    assert record is not None
    return record


async def test_a_read_after_a_reservation_is_served_from_the_cache(cached_app: Harness) -> None:
    # given a product with 10 units whose stock has been read (and so cached)
    saga = Saga.over(cached_app)
    a = await saga.product(stock=10)
    await saga.app.gql(READ, {"id": a})
    # when an order reserves 4
    await saga.deliver(order_created("order-1", (a, 4)))
    # then the next read shows 6 without asking the database
    with count_queries(cached_app.services.database.engine) as statements:
        result = await saga.app.gql(READ, {"id": a})
    assert result["data"]["product"]["stock"] == 6
    assert statements == []


async def test_an_older_row_written_through_late_never_replaces_a_newer_one(
    cached_app: Harness,
) -> None:
    # given a cached product and two later states of its row (versions 1 and 2)
    a = (await cached_app.create(stock=10))["id"]
    cached = await _cached_record(cached_app, a)
    first = dataclasses.replace(cached, stock=9, version=cached.version + 1)
    second = dataclasses.replace(cached, stock=8, version=cached.version + 2)
    # when their write-throughs reach the cache newest first
    await cached_app.services.catalog.write_through([second])
    await cached_app.services.catalog.write_through([first])
    # then the newer row is served, from the cache
    with count_queries(cached_app.services.database.engine) as statements:
        assert (await _cached_record(cached_app, a)).stock == 8
    assert statements == []


async def test_a_write_through_with_nothing_cached_makes_the_next_read_ask_the_database(
    cached_app: Harness,
) -> None:
    # given a product nobody has read yet, and a reader that read before the stock changed
    saga = Saga.over(cached_app)
    a = await saga.product(stock=10)
    services = cached_app.services
    with stalled_loads(services) as gate:
        reader = asyncio.create_task(services.catalog.get_many([a]))
        await gate.stalled.wait()
        # when a reservation commits (and is written through) while the reader holds 10
        await saga.deliver(order_created("order-1", (a, 4)))
        gate.release.set()
        assert (await reader)[0].stock == 10  # type: ignore[union-attr]
    # then its late fill is never served
    assert (await _cached_record(cached_app, a)).stock == 6


async def test_a_fill_of_an_older_row_never_replaces_a_written_through_one(
    cached_app: Harness,
) -> None:
    # given a cached product and a reader stalled on its miss with the row at 10 units
    saga = Saga.over(cached_app)
    a = await saga.product(stock=10)
    services = cached_app.services
    await services.catalog.get_many([a])
    await services.catalog.invalidate(a)  # the next read misses
    with stalled_loads(services) as gate:
        old_reader = asyncio.create_task(services.catalog.get_many([a]))
        await gate.stalled.wait()
        # when a second reader fills 10, a reservation of 4 is written through over it, and
        # only then does the stalled reader fill its 10
        await services.catalog.get_many([a])
        await saga.deliver(order_created("order-1", (a, 4)))
        gate.release.set()
        await old_reader
    # then reads show 6, from the cache
    with count_queries(services.database.engine) as statements:
        assert (await _cached_record(cached_app, a)).stock == 6
    assert statements == []


async def test_callbacks_of_a_rolled_back_transaction_run_only_the_fallback(
    app: Harness,
) -> None:
    # given a boundary session with a callback for commit and one for rollback
    ran: list[str] = []

    async def committed() -> None:
        ran.append("committed")

    async def rolled_back() -> None:
        ran.append("rolled back")

    sessions = boundary_database(app.services.database).sessions
    # when its transaction fails
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            after_commit(session, committed, otherwise=rolled_back)
            raise RuntimeError("the handler failed")
    # and another one commits
    async with sessions() as session, session.begin():
        after_commit(session, committed, otherwise=rolled_back)
    # then each ran its own callback, once
    assert ran == ["rolled back", "committed"]


async def test_missed_products_are_filled_in_one_cache_round_trip(cached_app: Harness) -> None:
    # given three products nobody has read yet
    services = cached_app.services
    ids = [(await cached_app.create(sku=f"SKU-{i}"))["id"] for i in range(3)]
    counting = CountingCache(services.cache)
    services.catalog.cache = counting  # type: ignore[assignment]
    # when they are looked up
    found = await services.catalog.get_many(ids)
    # then one round trip read the cache and one filled it
    assert [record.id for record in found if record is not None] == ids
    assert counting.round_trips == 2
