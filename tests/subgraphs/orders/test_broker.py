"""Through the real embedded Kafka-protocol broker: saga events move orders, and the outbox
relay publishes what orders wrote (OrderCreated, OrderStatusChanged, OrderCancelled)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from streaming.broker import EmbeddedBroker
from streaming.events import Envelope
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from streaming.topics import ALL_TOPICS, ORDERS
from subgraphs.orders.domain.models import OrderStatusChange
from tests.streaming.harness import consume_events, eventually, settings_for
from tests.subgraphs.orders.harness import (
    BOB,
    FAST_RETRY,
    Harness,
    open_harness,
    paid,
    reservation_failed,
)

pytestmark = pytest.mark.integration


async def publish(kafka: KafkaSettings, *events: Envelope) -> None:
    async with EventProducer(kafka) as producer:
        await producer.ensure_topics(ALL_TOPICS)
        for event in events:
            await producer.publish(event)


@asynccontextmanager
async def running(database_url: str, kafka: KafkaSettings) -> AsyncIterator[Harness]:
    async with open_harness(database_url, kafka=kafka, retry=FAST_RETRY) as app:
        yield app


async def status_of(app: Harness, order_id: str) -> str:
    return (await app.order(order_id))["status"]


async def test_saga_events_from_kafka_move_orders_and_the_outbox_publishes_the_changes(
    database_url: str, fresh_broker: EmbeddedBroker
) -> None:
    kafka = settings_for(fresh_broker)
    async with running(database_url, kafka) as app:
        # given two PENDING orders
        to_pay, to_fail = await app.place(version=1), await app.place(BOB, version=1)
        payment = paid(to_pay)
        # when payments and products answer through Kafka, the payment delivered twice
        await publish(kafka, payment, reservation_failed(to_fail, "insufficient stock"), payment)

        async def settled() -> bool:
            return (await status_of(app, to_pay["id"]) == "PAID"
                    and await status_of(app, to_fail["id"]) == "CANCELLED")

        await eventually(settled, within=30)
        # then each moved once
        assert await app.count(OrderStatusChange) == 4
        # and the orders topic carries, per order and in order, what orders wrote
        events = await consume_events(kafka, ORDERS, 5, within=30, settle=1.0)
        by_order = {o["id"]: [e.type for e in events if e.key == o["id"]]
                    for o in (to_pay, to_fail)}
        assert by_order == {
            to_pay["id"]: ["OrderCreated", "OrderStatusChanged"],
            to_fail["id"]: ["OrderCreated", "OrderStatusChanged", "OrderCancelled"],
        }
        changed = next(e for e in events if e.key == to_pay["id"] and e.type != "OrderCreated")
        assert changed.correlation_id == payment.correlation_id
        ready = (await app.client.get("/ready")).json()
        assert ready["messaging"]["consumers"][0]["group"] == "orders"
        assert ready["messaging"]["outbox"]["published"] >= 5


async def test_events_waiting_in_kafka_before_orders_starts_are_handled_when_it_does(
    database_url: str, fresh_broker: EmbeddedBroker
) -> None:
    kafka = settings_for(fresh_broker)
    # given an order placed while the consumers were off, and its payment waiting in Kafka
    async with open_harness(database_url) as offline:
        order = await offline.place()
    await publish(kafka, paid(order))
    # when orders starts with its consumers, then the order becomes PAID
    async with running(database_url, kafka) as app:
        async def is_paid() -> bool:
            return await status_of(app, order["id"]) == "PAID"

        await eventually(is_paid, within=30)
        # and the OrderCreated that waited in the outbox is published too
        events = await consume_events(kafka, ORDERS, 2, within=30)
        assert [e.type for e in events] == ["OrderCreated", "OrderStatusChanged"]
