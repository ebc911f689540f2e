"""Many checkouts racing for the last units never oversell, on the real PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.subgraphs.products.harness import Harness, open_harness
from tests.subgraphs.products.saga import Saga, order_created

pytestmark = pytest.mark.integration


@pytest.fixture
async def pg_app(postgres_url: str) -> AsyncIterator[Harness]:
    async with open_harness(postgres_url) as harness:
        yield harness


async def test_fifty_concurrent_orders_for_ten_units_reserve_exactly_ten(pg_app: Harness) -> None:
    # given a product with 10 units
    saga = Saga.over(pg_app)
    product = await saga.product(stock=10)
    # when 50 orders of one unit each are handled at the same moment
    orders = [order_created(f"order-{i}", (product, 1), user_id=f"user-{i}") for i in range(50)]
    await asyncio.gather(*(saga.deliver(order) for order in orders))
    # then exactly 10 are reserved and 40 failed with a clear reason
    reserved = await saga.events("InventoryReserved")
    failed = await saga.events("InventoryReservationFailed")
    assert (len(reserved), len(failed)) == (10, 40)
    assert all("1 requested, 0 available" in f.payload.reason for f in failed)
    assert {e.payload.order_id for e in reserved + failed} == {f"order-{i}" for i in range(50)}
    # and stock ended at 0 after passing through every value from 9 down, never below
    assert await saga.stock(product) == 0
    updates = await saga.events("InventoryUpdated")
    assert sorted(e.payload.stock for e in updates) == list(range(10))


async def test_concurrent_multi_line_orders_neither_oversell_nor_deadlock(pg_app: Harness) -> None:
    # given two products with 5 units each
    saga = Saga.over(pg_app)
    a, b = await saga.product(stock=5), await saga.product(stock=5)
    # when 20 orders take one of each, listing the lines in opposite orders
    orders = [order_created(f"order-{i}", *([(a, 1), (b, 1)][:: 1 if i % 2 else -1]))
              for i in range(20)]
    await asyncio.gather(*(saga.deliver(order) for order in orders))
    # then 5 orders got both units, and no order holds only one
    assert len(await saga.events("InventoryReserved")) == 5
    assert (await saga.stock(a), await saga.stock(b)) == (0, 0)

