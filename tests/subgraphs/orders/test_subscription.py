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
from tests.subgraphs.harness import counted_statements
from tests.subgraphs.orders.harness import ADA, ADMIN, BOB, Harness, paid

FOLLOW = """subscription($id: ID!) { orderStatusChanged(orderId: $id) { id status } }"""


async def follow(app: Harness, feed: Broadcast, order_id: str, user: Principal | None,
                 query: str = FOLLOW, **services: Any) -> AsyncIterator[Any] | Any:
    """The subscription as the given user, with ``feed`` standing in for the orders topic
    (``services`` replace the app's own)."""
    context = RequestContext(verifier_for(app.settings),
                             {**app.services.as_mapping(), "status_feed": feed, **services})
    token = issue_token(user, dev_issuer(app.settings))[0] if user else None
    headers = {"authorization": f"Bearer {token}"} if token else {}
    context.request = SimpleNamespace(headers=headers)  # type: ignore[assignment]
    return await schema.subscribe(query, variable_values={"id": order_id},
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


class CountingReads:
    """The app's order reads, counted (whole orders and rows alike)."""

    def __init__(self, reads: Any) -> None:
        self.reads, self.calls = reads, 0

    async def get_many(self, session: Any, ids: list[str]) -> Any:
        self.calls += 1
        return await self.reads.get_many(session, ids)

    async def row(self, session: Any, order_id: str) -> Any:
        self.calls += 1
        return await self.reads.row(session, order_id)


async def test_a_status_only_selection_reads_the_order_once_not_per_change(app: Harness):
    order = await app.place(ADA)
    feed, reads = Broadcast(KafkaSettings(), "orders"), CountingReads(app.services.reads)
    query = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
        __typename ... on Order { id } ...state } } fragment state on Order { status }"""
    stream = await follow(app, feed, order["id"], ADA, query, reads=reads)
    first = await first_result(stream)
    for status in (OrderStatus.PAID, OrderStatus.SHIPPED):
        feed.deliver(changed(order, status))
    got = [first, await first_result(stream), await first_result(stream)]
    await stream.aclose()
    assert [r.data["orderStatusChanged"] for r in got] == [
        {"__typename": "Order", "id": order["id"], "status": status}
        for status in ("PENDING", "PAID", "SHIPPED")]
    assert reads.calls == 1


async def test_a_selection_beyond_the_event_reads_the_order_at_each_change(app: Harness):
    order = await app.place(ADA)
    feed, reads = Broadcast(KafkaSettings(), "orders"), CountingReads(app.services.reads)
    query = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
        status total { amount } } }"""
    stream = await follow(app, feed, order["id"], ADA, query, reads=reads)
    await first_result(stream)
    feed.deliver(changed(order, OrderStatus.PAID))
    paid = await first_result(stream)
    await stream.aclose()
    assert paid.data["orderStatusChanged"]["status"] == "PAID"
    assert paid.data["orderStatusChanged"]["total"]["amount"] == order["total"]["amount"]
    assert reads.calls == 2


class PaidBetweenStatements:
    """The app's order reads, with the order paid (another transaction, committed) right
    after the first SELECT of the read: the moment a subscription's first read can straddle."""

    def __init__(self, app: Harness, order: dict[str, Any]) -> None:
        self.app, self.order = app, order

    async def get_many(self, session: Any, ids: list[str]) -> Any:
        self._pay_after_first_statement(session)
        return await self.app.services.reads.get_many(session, ids)

    async def row(self, session: Any, order_id: str) -> Any:
        self._pay_after_first_statement(session)
        return await self.app.services.reads.row(session, order_id)

    def _pay_after_first_statement(self, session: Any) -> None:
        execute = session.execute

        async def then_pay(*args: Any, **kwargs: Any) -> Any:
            result = await execute(*args, **kwargs)
            session.execute = execute  # once
            await self.app.deliver(paid(self.order))
            return result

        session.execute = then_pay


async def test_an_order_paid_while_the_first_read_runs_still_sends_paid(app: Harness):
    order = await app.place(ADA)
    order["user"] = {"id": ADA.id}
    feed = Broadcast(KafkaSettings(), "orders")
    stream = await follow(app, feed, order["id"], ADA, reads=PaidBetweenStatements(app, order))
    first = await first_result(stream)
    feed.deliver(changed(order, OrderStatus.PAID))  # the relay hands the PAID to the feed
    then = await first_result(stream)
    await stream.aclose()
    assert [r.data["orderStatusChanged"]["status"] for r in (first, then)] == ["PENDING", "PAID"]


async def test_an_order_paid_while_a_full_read_runs_still_sends_paid(app: Harness):
    order = await app.place(ADA)
    order["user"] = {"id": ADA.id}
    feed = Broadcast(KafkaSettings(), "orders")
    query = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
        status total { amount } } }"""
    stream = await follow(app, feed, order["id"], ADA, query,
                          reads=PaidBetweenStatements(app, order))
    first = await first_result(stream)
    feed.deliver(changed(order, OrderStatus.PAID))
    then = await first_result(stream)
    await stream.aclose()
    assert [r.data["orderStatusChanged"]["status"] for r in (first, then)] == ["PENDING", "PAID"]


async def test_a_status_only_selection_reads_the_order_in_one_statement(app: Harness):
    order = await app.place(ADA)
    feed = Broadcast(KafkaSettings(), "orders")
    with counted_statements(app.services.database.engine) as statements:
        stream = await follow(app, feed, order["id"], ADA)
        first = await first_result(stream)
    await stream.aclose()
    assert first.data["orderStatusChanged"] == {"id": order["id"], "status": "PENDING"}
    assert len(statements) == 1, statements


async def test_events_of_statuses_the_order_had_passed_when_first_read_are_skipped(
        app: Harness):
    order = await app.reach("SHIPPED")
    feed = Broadcast(KafkaSettings(), "orders")
    stream = await follow(app, feed, order["id"], ADA)
    first = await first_result(stream)
    for status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        feed.deliver(changed(order, status))  # PAID and SHIPPED: late, already behind it
    then = await first_result(stream)
    await stream.aclose()
    assert [r.data["orderStatusChanged"]["status"] for r in (first, then)] == [
        "SHIPPED", "DELIVERED"]
