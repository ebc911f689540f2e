"""Races: ten checkouts of one cart at once, and a payment racing a cancellation."""

from __future__ import annotations

import asyncio

from subgraphs.orders.domain.models import Order, OrderStatusChange
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
