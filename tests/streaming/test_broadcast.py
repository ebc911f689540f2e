"""The broadcast listener: every process gets every event of its topic, by key, from now on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from streaming.broadcast import Broadcast, BroadcastOverflow
from streaming.events import Envelope, OrderStatus, OrderStatusChanged
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from streaming.testing import unique_name

pytestmark = pytest.mark.integration


def changed(order_id: str, status: OrderStatus) -> Envelope:
    return Envelope.wrap(OrderStatusChanged(order_id=order_id, user_id="u1",
                                            previous_status=None, status=status))


@asynccontextmanager
async def started(settings: KafkaSettings, topic: str, **options: int) -> AsyncIterator[Broadcast]:
    broadcast = Broadcast(settings, topic, **options)
    await broadcast.start()
    try:
        await asyncio.wait_for(broadcast.ready.wait(), 15)
        yield broadcast
    finally:
        await broadcast.stop()


@asynccontextmanager
async def producer(settings: KafkaSettings) -> AsyncIterator[EventProducer]:
    sender = EventProducer(settings)
    await sender.start()
    try:
        yield sender
    finally:
        await sender.stop()


async def statuses(events: AsyncIterator[Envelope], count: int) -> list[str]:
    out = []
    async with asyncio.timeout(10):
        async for event in events:
            out.append(event.payload.status)  # type: ignore[attr-defined]
            if len(out) == count:
                return out
    return out


async def test_every_broadcast_gets_every_event_of_its_key_in_order(kafka_settings):
    topic = unique_name("orders")
    async with producer(kafka_settings) as sender:
        await sender.ensure_topics([topic])
        async with started(kafka_settings, topic) as one, started(kafka_settings, topic) as two, \
                one.listen("o1") as first, two.listen("o1") as second, two.listen("o2") as other:
            for status in (OrderStatus.PAID, OrderStatus.SHIPPED):
                await sender.publish(changed("o1", status), topic=topic)
            await sender.publish(changed("o2", OrderStatus.CANCELLED), topic=topic)
            assert await statuses(first, 2) == ["PAID", "SHIPPED"]
            assert await statuses(second, 2) == ["PAID", "SHIPPED"]
            assert await statuses(other, 1) == ["CANCELLED"]


async def test_events_published_before_start_are_not_replayed(kafka_settings):
    topic = unique_name("orders")
    async with producer(kafka_settings) as sender:
        await sender.ensure_topics([topic])
        await sender.publish(changed("o1", OrderStatus.PAID), topic=topic)
        async with started(kafka_settings, topic) as broadcast, broadcast.listen("o1") as events:
            await sender.publish(changed("o1", OrderStatus.SHIPPED), topic=topic)
            assert await statuses(events, 1) == ["SHIPPED"]


async def test_a_listener_that_falls_behind_is_ended_not_grown():
    broadcast = Broadcast(KafkaSettings(), "unused", queue_size=2)
    async with broadcast.listen("o1") as events:
        for status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            broadcast.deliver(changed("o1", status))
        assert await statuses(events, 2) == ["PAID", "SHIPPED"]
        with pytest.raises(BroadcastOverflow):
            await statuses(events, 1)
    assert broadcast.listeners == 0
