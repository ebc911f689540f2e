"""Relay and consumer survive the embedded broker stopping or restarting (forgetting all)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from streaming.consumer import EventConsumer
from streaming.events import Envelope, encode
from streaming.inbox import idempotent
from streaming.lifecycle import running
from streaming.outbox import OutboxRelay, enqueue
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from tests.streaming.conftest import EFFECTS
from tests.streaming.harness import eventually, settings_for, unique_name
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


async def test_records_produced_after_the_broker_restarts_empty_are_all_consumed_from_offset_zero(
    fresh_broker,
):
    # One key, so one partition with a known stale position (6): the new, empty log gets more
    # records than that at once, and a fetch at the stale position would hand 6..9 over first.
    # Heartbeats 3 s apart leave the group time to notice the restart late, as in production.
    slow_heartbeats = {"session_timeout_ms": 10_000, "heartbeat_interval_ms": 3_000}
    settings = settings_for(fresh_broker, request_timeout_ms=1000, **slow_heartbeats)
    topic = unique_name("orders")
    async with recording(settings, topic) as (consumer, seen):
        await publish(settings, topic, orders(6))
        await eventually(lambda: len(seen) == 6 and consumer.stats().total_lag == 0)

        await asyncio.to_thread(fresh_broker.restart)
        after = orders(10)
        await publish(settings, topic, after)
        await eventually(lambda: {e.id for e in after} <= set(seen), within=30)
    ids = [e.id for e in after]
    assert [i for i in seen if i in ids][: len(ids)] == ids  # from the first, in order


async def test_a_commit_pending_while_the_broker_restarts_empty_does_not_skip_the_new_records(
    fresh_broker,
):
    # The handler of offset 4 finishes while the broker is down, so its commit (offset 5) waits
    # for the broker; it must not land on the restarted, empty broker and hide its first records.
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic, seen = unique_name("orders"), []
    before = orders(5)
    handling_last, release = asyncio.Event(), asyncio.Event()

    async def handle(event: Envelope) -> None:
        if event.id == before[-1].id:
            handling_last.set()
            await release.wait()
        seen.append(event.id)

    consumer = EventConsumer([topic], unique_name("g"), handle, settings=settings)
    async with running(consumer):
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        await publish(settings, topic, before)
        await asyncio.wait_for(handling_last.wait(), 15)
        await asyncio.to_thread(fresh_broker.stop)
        release.set()
        await eventually(lambda: before[-1].id in seen)
        await asyncio.to_thread(fresh_broker.start)
        after = orders(8)
        await publish(settings, topic, after)
        await eventually(lambda: {e.id for e in after} <= set(seen), within=30)


async def test_every_partition_of_a_topic_the_restarted_broker_re_created_is_consumed(fresh_broker):
    # Services refresh metadata every 10 s, so they rejoin the restarted broker's group with the
    # old partition count first; the broker then re-creates the topic on first mention with its
    # own count (4 on Tansu 0.6) and every partition of it must be read.
    settings = settings_for(fresh_broker, metadata_max_age_ms=10_000, request_timeout_ms=1000)
    topic = unique_name("orders")
    async with recording(settings, topic) as (_, seen):
        await publish(settings, topic, orders(3))
        await eventually(lambda: len(seen) == 3)

        await asyncio.to_thread(fresh_broker.restart)
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers, enable_idempotence=False
        )
        await producer.start()
        try:
            after = []
            for partition in sorted(await producer.partitions_for(topic)):  # re-creates it
                after.append(event := Envelope.wrap(order_created(f"order-{partition}")))
                await producer.send_and_wait(topic, encode(event), partition=partition)
        finally:
            await producer.stop()
        await eventually(lambda: {e.id for e in after} <= set(seen), within=30)


@asynccontextmanager
async def recording(
    settings: KafkaSettings, topic: str
) -> AsyncIterator[tuple[EventConsumer, list[UUID]]]:
    """A consumer of ``topic`` in a group of its own, running and assigned; and the ids it saw."""
    seen: list[UUID] = []

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    consumer = EventConsumer([topic], unique_name("g"), handle, settings=settings)
    async with running(consumer):
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        yield consumer, seen


def orders(n: int) -> list[Envelope]:
    """``n`` events of one order: one key, so all on one partition, in this order."""
    return [Envelope.wrap(order_created("order-1")) for _ in range(n)]


async def publish(settings, topic: str, events: list[Envelope]) -> None:
    async with EventProducer(settings) as producer:
        await producer.ensure_topics([topic])
        for event in events:
            await producer.publish(event, topic=topic)
