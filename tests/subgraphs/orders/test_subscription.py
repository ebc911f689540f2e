"""``orderStatusChanged``: the owner (or an admin) follows an order's status from the topic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

from streaming.broadcast import Broadcast
from streaming.events import Envelope, OrderStatus, OrderStatusChanged
from streaming.settings import KafkaSettings
from subgraphs.kit.context import RequestContext
from subgraphs.kit.identity import dev_issuer, verifier_for
from subgraphs.kit.tokens import Principal, issue_token
from subgraphs.orders.graphql.schema import schema
from tests.subgraphs.orders.harness import ADA, ADMIN, BOB, Harness

FOLLOW = """subscription($id: ID!) { orderStatusChanged(orderId: $id) { id status } }"""


async def follow(app: Harness, feed: Broadcast, order_id: str,
                 user: Principal | None) -> AsyncIterator[Any] | Any:
    """The subscription as the given user, with ``feed`` standing in for the orders topic."""
    context = RequestContext(verifier_for(app.settings),
                             {**app.services.as_mapping(), "status_feed": feed})
    token = issue_token(user, dev_issuer(app.settings))[0] if user else None
    headers = {"authorization": f"Bearer {token}"} if token else {}
    context.request = SimpleNamespace(headers=headers)  # type: ignore[assignment]
    return await schema.subscribe(FOLLOW, variable_values={"id": order_id},
                                  context_value=context)


def changed(order: dict[str, Any], status: OrderStatus) -> Envelope:
    return Envelope.wrap(OrderStatusChanged(order_id=order["id"], user_id=ADA.id,
                                            previous_status=None, status=status))


async def first_result(stream: Any) -> Any:
    return await asyncio.wait_for(anext(stream), 5)


async def test_the_owner_and_an_admin_see_the_order_then_each_change_in_order(app: Harness):
    order = await app.place(ADA)
    feed = Broadcast(KafkaSettings(), "orders")
    streams = [await follow(app, feed, order["id"], who) for who in (ADA, ADMIN)]
    firsts = [await first_result(s) for s in streams]
    for status in (OrderStatus.PAID, OrderStatus.PAID, OrderStatus.SHIPPED):
        feed.deliver(changed(order, status))  # the second PAID: a late duplicate, skipped
    for stream, first in zip(streams, firsts, strict=True):
        got = [first, await first_result(stream), await first_result(stream)]
        seen = [r.data["orderStatusChanged"]["status"] for r in got]
        assert seen == ["PENDING", "PAID", "SHIPPED"]
        await stream.aclose()
    assert feed.listeners == 0


async def test_someone_elses_order_is_forbidden_and_sends_nothing(app: Harness):
    order = await app.place(ADA)
    feed = Broadcast(KafkaSettings(), "orders")
    result = await first_result(await follow(app, feed, order["id"], BOB))
    assert result.data is None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    assert feed.listeners == 0


async def test_an_unknown_order_is_forbidden_too_and_anonymous_is_unauthenticated(app: Harness):
    feed = Broadcast(KafkaSettings(), "orders")
    unknown = await first_result(await follow(app, feed, "no-such-order", ADA))
    anonymous = await first_result(await follow(app, feed, "no-such-order", None))
    assert unknown.errors[0].extensions["code"] == "FORBIDDEN"
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
