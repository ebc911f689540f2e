"""Races: checkouts for the last units never oversell; releases racing each other give back once.

Run on SQLite (one writer at a time) and on the real PostgreSQL (row locks, READ COMMITTED).
"""

from __future__ import annotations

import asyncio

import pytest

from tests.subgraphs.products.harness import Harness
from tests.subgraphs.products.saga import Saga, cancelled, order_created, payment


async def test_fifty_concurrent_orders_for_ten_units_reserve_exactly_ten(app: Harness) -> None:
    # given a product with 10 units
    saga = Saga.over(app)
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


async def test_concurrent_multi_line_orders_neither_oversell_nor_deadlock(app: Harness) -> None:
    # given two products with 5 units each
    saga = Saga.over(app)
    a, b = await saga.product(stock=5), await saga.product(stock=5)
    # when 20 orders take one of each, listing the lines in opposite orders
    orders = [order_created(f"order-{i}", *([(a, 1), (b, 1)][:: 1 if i % 2 else -1]))
              for i in range(20)]
    await asyncio.gather(*(saga.deliver(order) for order in orders))
    # then 5 orders got both units, and no order holds only one
    assert len(await saga.events("InventoryReserved")) == 5
    assert (await saga.stock(a), await saga.stock(b)) == (0, 0)



@pytest.mark.parametrize("repeat", range(3))
async def test_a_payment_racing_the_expiry_sweep_has_exactly_one_outcome(
    app: Harness, repeat: int
) -> None:
    # given an overdue reservation of 4 of 10 units
    saga = Saga.over(app)
    product = await saga.product(stock=10)
    await saga.deliver(order_created("order-1", (product, 4)))
    saga.clock.advance(minutes=16)
    # when the charge succeeds while the sweep runs
    await asyncio.gather(saga.deliver(payment("order-1")), app.services.sweeper.sweep())
    # then either the payment committed the units or the sweep gave them back and said so
    status = (await saga.statuses("order-1"))[product]
    failures = await saga.events("InventoryReservationFailed")
    if status == "COMMITTED":
        assert (await saga.stock(product), failures) == (6, [])
    else:
        assert await saga.stock(product) == 10
        assert [f.payload.reason for f in failures] == ["reservation expired"] * 2


async def test_a_declined_card_racing_a_cancellation_gives_the_units_back_once(
    app: Harness,
) -> None:
    # given a reservation of 4 of 10 units
    saga = Saga.over(app)
    product = await saga.product(stock=10)
    await saga.deliver(order_created("order-1", (product, 4)))
    # when a declined payment and two cancellations arrive at the same moment
    await asyncio.gather(saga.deliver(payment("order-1", "FAILED")),
                         saga.deliver(cancelled("order-1")), saga.deliver(cancelled("order-1")))
    # then the units came back once
    assert await saga.stock(product) == 10
    assert [e.payload.delta for e in await saga.events("InventoryUpdated")] == [-4, 4]
