"""Relay and consumer survive the embedded broker stopping or restarting (forgetting all)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from streaming.consumer import EventConsumer
from streaming.events import Envelope
from streaming.inbox import idempotent
from streaming.lifecycle import running
from streaming.outbox import OutboxRelay, enqueue
from streaming.producer import EventProducer
from streaming.testing import eventually, settings_for, unique_name
from tests.streaming.conftest import EFFECTS
from tests.streaming.samples import order_created

pytestmark = pytest.mark.integration


async def test_consumer_keeps_consuming_after_the_broker_restarts(fresh_broker):
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic, seen = unique_name("orders"), []

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    consumer = EventConsumer([topic], unique_name("g"), handle, settings=settings)
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(consumer.assigned.wait(), 15)
    before = [Envelope.wrap(order_created(f"order-{i}")) for i in range(6)]
    async with EventProducer(settings) as producer:
        for event in before:
            await producer.publish(event, topic=topic)
    await eventually(lambda: len(seen) == 6)

    await asyncio.to_thread(fresh_broker.restart)
    after = [Envelope.wrap(order_created(f"order-{i}")) for i in range(3)]
    async with EventProducer(settings) as producer:
        await producer.ensure_topics([topic])
        for event in after:
            await producer.publish(event, topic=topic)
    await eventually(lambda: {e.id for e in after} <= set(seen), within=20)
    consumer.stop()
    await task


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # outbox on PG: test_outbox
async def test_events_enqueued_while_the_broker_is_down_reach_the_consumer_once(
    sessions, engine, fresh_broker
):
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic, group = unique_name("orders"), unique_name("payments")
    relay = OutboxRelay(engine, EventProducer(settings), poll_interval=0.05, max_backoff=0.5)
    consumer = EventConsumer([topic], group, idempotent(sessions, group, record), settings=settings)
    async with running(relay, consumer):
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        events = await place(sessions, topic, range(0, 4))
        await eventually(lambda: effects(engine, 4))

        await asyncio.to_thread(fresh_broker.stop)
        events += await place(sessions, topic, range(4, 10))  # orders keep coming in
        await eventually(lambda: relay.stats().failures >= 1)
        await asyncio.to_thread(fresh_broker.start)
        await eventually(lambda: effects(engine, 10), within=30)
        await asyncio.sleep(0.5)  # room for a duplicate to show up

    async with engine.connect() as conn:
        ids = (await conn.execute(select(EFFECTS.c.event_id))).scalars().all()
    assert sorted(ids) == sorted(str(e.id) for e in events)


async def place(sessions, topic: str, numbers: range) -> list[Envelope]:
    events = []
    for i in numbers:
        event = Envelope.wrap(order_created(f"order-{i}"))
        async with sessions() as session, session.begin():
            await enqueue(session, event, topic=topic)
        events.append(event)
    return events


async def record(session: AsyncSession, event: Envelope) -> None:
    await session.execute(insert(EFFECTS).values(event_id=str(event.id)))


async def effects(engine: AsyncEngine, n: int) -> bool:
    async with engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(EFFECTS)) >= n


async def test_consumer_started_while_the_broker_is_down_waits_and_then_consumes(fresh_broker):
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic, seen = unique_name("orders"), []

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    fresh_broker.stop()
    consumer = EventConsumer([topic], unique_name("g"), handle, settings=settings)
    async with running(consumer):
        await asyncio.sleep(0.5)  # a few failed connection attempts
        await asyncio.to_thread(fresh_broker.start)
        await asyncio.wait_for(consumer.assigned.wait(), 20)
        event = Envelope.wrap(order_created())
        async with EventProducer(settings) as producer:
            await producer.publish(event, topic=topic)
        await eventually(lambda: seen == [event.id])
