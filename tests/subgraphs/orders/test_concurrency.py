"""Races: ten checkouts of one cart at once, and a payment racing a cancellation."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.errors import Conflict
from subgraphs.orders.domain.models import Order, OrderStatusChange
from subgraphs.orders.domain.repository import OrderRepository, StoredOrder
from subgraphs.orders.domain.service import OrderService
from tests.subgraphs.orders.harness import ADA, CHECKOUT, Harness, codes_of, paid


async def test_ten_concurrent_checkouts_of_one_cart_place_one_order(app: Harness) -> None:
    # given one cart version
    app.price("p-1", "Mug", 1250)
    app.fill_cart(ADA, ("p-1", 2), version=3)
    # when ten checkouts of it run at once
    results = await asyncio.gather(
        *(app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA) for _ in range(10))
    )
    # then every one answers the same order, and exactly one order and one event exist
    assert [codes_of(r) for r in results] == [[]] * 10
    assert len({r["data"]["checkout"]["id"] for r in results}) == 1
    assert await app.count(Order) == 1
    assert await app.count(OrderStatusChange) == 1
    assert len(await app.published("OrderCreated")) == 1


async def test_a_payment_racing_a_cancellation_ends_in_one_consistent_state(
    app: Harness,
) -> None:
    # given a PENDING order
    order = await app.place()
    # when its payment and its owner's cancellation arrive at the same moment
    cancel = app.gql("mutation($id: ID!) { cancelOrder(id: $id) { status } }",
                     {"id": order["id"]}, user=ADA)
    outcome = await asyncio.gather(cancel, app.deliver(paid(order)), return_exceptions=True)
    # then the history is one legal path; a loser is CONFLICT or retried, never both applied
    after = await app.order(order["id"])
    path = [h["status"] for h in after["statusHistory"]]
    assert path in (["PENDING", "CANCELLED"], ["PENDING", "PAID"],
                    ["PENDING", "PAID", "CANCELLED"]), (path, outcome)
    assert after["status"] == path[-1]
    assert codes_of(outcome[0]) in ([], ["CONFLICT"])  # type: ignore[arg-type]
    cancelled = len(await app.published("OrderCancelled"))
    assert cancelled == (1 if path[-1] == "CANCELLED" else 0)


class StaleReads(OrderRepository):
    """Hands out an order as read earlier, as a transaction that did not hold the row's lock
    (SQLite, where FOR UPDATE is no lock) would have it."""

    def __init__(self, stale: StoredOrder) -> None:
        self.stale = stale

    async def get(self, session: AsyncSession, order_id: str, *,
                  lock: bool = False) -> StoredOrder | None:
        return self.stale


async def test_a_move_from_a_stale_read_is_a_conflict_and_writes_nothing(app: Harness) -> None:
    # given a PENDING order read, then paid by another transaction
    order = await app.place()
    async with app.services.database.reads() as session:
        stale = await app.services.orders.repository.get(session, order["id"])
    assert stale is not None
    await app.deliver(paid(order))
    # when a cancellation works from the read that is now stale
    orders = OrderService(StaleReads(stale))
    with pytest.raises(Conflict):
        async with app.services.database.transaction() as session:
            await orders.cancel(session, order["id"], ADA)
    # then the payment stands alone: no second move, no OrderCancelled
    after = await app.order(order["id"])
    assert [h["status"] for h in after["statusHistory"]] == ["PENDING", "PAID"]
    assert await app.count(OrderStatusChange) == 2
    assert await app.published("OrderCancelled") == []
