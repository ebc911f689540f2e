"""The broadcast listener: every process gets every event of its topic, by key, from now on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.conn import CloseReason

from streaming.broadcast import Broadcast, BroadcastOverflow
from streaming.events import Envelope, OrderStatus, OrderStatusChanged, encode
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from tests.streaming.harness import eventually, settings_for, unique_name

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


async def test_events_published_after_the_broker_restarts_empty_are_all_delivered_in_order(
    fresh_broker,
):
    # One order, so one partition: the reader's position there (3) is stale after the restart,
    # and the new log gets as many records at once, so a position left at 3 (or a check that
    # comes after they arrived) would miss some of them.
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic = unique_name("orders")
    before = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.SHIPPED)
    after = (OrderStatus.CANCELLED, OrderStatus.PAID, OrderStatus.DELIVERED)
    async with producer(settings) as sender:
        await sender.ensure_topics([topic])
        async with started(settings, topic) as broadcast, broadcast.listen("o1") as events:
            for status in before:
                await sender.publish(changed("o1", status), topic=topic)
            assert await statuses(events, 3) == [s.value for s in before]

            await asyncio.to_thread(fresh_broker.restart)
            async with producer(settings) as again:
                await again.ensure_topics([topic])
                for status in after:
                    await again.publish(changed("o1", status), topic=topic)
            assert await statuses(events, 3) == [s.value for s in after]


async def test_every_partition_of_a_topic_the_restarted_broker_re_created_is_read(fresh_broker):
    # Created with one partition; after the restart the broker re-creates it with its own count.
    settings = settings_for(fresh_broker, request_timeout_ms=1000, topic_partitions=1)
    topic = unique_name("orders")
    async with producer(settings) as sender:
        await sender.ensure_topics([topic])
        async with started(settings, topic) as broadcast, broadcast.listen("o1") as events:
            await sender.publish(changed("o1", OrderStatus.PAID), topic=topic)
            assert await statuses(events, 1) == ["PAID"]

            await asyncio.to_thread(fresh_broker.restart)
            sent = await one_event_per_partition(settings, topic, "o1")
            assert len(sent) > 1
            got = []
            async with asyncio.timeout(20):
                async for event in events:
                    got.append(event.id)
                    if len(got) == len(sent):
                        break
            assert sorted(got) == sorted(sent)


async def test_a_broken_connection_to_a_broker_that_kept_its_log_neither_replays_nor_skips(
    kafka_settings,
):
    topic = unique_name("orders")
    async with producer(kafka_settings) as sender:
        await sender.ensure_topics([topic])
        async with started(kafka_settings, topic) as broadcast, broadcast.listen("o1") as events:
            for status in (OrderStatus.PENDING, OrderStatus.PAID):
                await sender.publish(changed("o1", status), topic=topic)
            assert await statuses(events, 2) == ["PENDING", "PAID"]

            recovered = broadcast.recoveries
            break_connections(broadcast)
            await eventually(lambda: broadcast.recoveries > recovered)
            await sender.publish(changed("o1", OrderStatus.SHIPPED), topic=topic)
            assert await statuses(events, 1) == ["SHIPPED"]
            await asyncio.sleep(0.5)  # room for a replayed event to show up
            assert broadcast.received == 3


async def test_a_live_read_delivers_each_event_once_across_metadata_refreshes(embedded_broker):
    settings = settings_for(embedded_broker, metadata_max_age_ms=100)
    topic = unique_name("orders")
    async with producer(settings) as sender:
        await sender.ensure_topics([topic])
        await sender.publish(changed("o1", OrderStatus.PENDING), topic=topic)
        async with started(settings, topic) as broadcast, broadcast.listen("o1") as events:
            for status in (OrderStatus.PAID, OrderStatus.SHIPPED):
                await sender.publish(changed("o1", status), topic=topic)
                assert await statuses(events, 1) == [status.value]
                await asyncio.sleep(0.5)  # several metadata refreshes in between
            assert broadcast.received == 2


async def one_event_per_partition(settings: KafkaSettings, topic: str, order_id: str) -> list:
    """One event of ``order_id`` on each partition the broker has (naming the topic creates it)."""
    kafka = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, enable_idempotence=False)
    await kafka.start()
    try:
        sent = []
        for partition in sorted(await kafka.partitions_for(topic)):
            event = changed(order_id, OrderStatus.PAID)
            await kafka.send_and_wait(topic, encode(event), partition=partition)
            sent.append(event.id)
        return sent
    finally:
        await kafka.stop()


def break_connections(broadcast: Broadcast) -> None:
    """Drop the reader's broker connections as a network failure would (the broker stays up)."""
    for conn in list(broadcast._kafka._client._conns.values()):
        conn.close(reason=CloseReason.CONNECTION_BROKEN)


async def test_an_event_this_process_published_reaches_its_listeners_without_the_broker():
    # Never started: nothing is fetched, so only the relay's acknowledgement can deliver it.
    broadcast = Broadcast(KafkaSettings(), "orders")
    event = changed("o1", OrderStatus.PAID)
    async with broadcast.listen("o1") as events:
        broadcast.published("payments", encode(changed("o1", OrderStatus.CANCELLED)))
        broadcast.published("orders", encode(event))
        assert await statuses(events, 1) == ["PAID"]


async def test_the_broker_copy_of_an_event_published_here_is_not_delivered_twice(kafka_settings):
    topic = unique_name("orders")
    mine, theirs = changed("o1", OrderStatus.PAID), changed("o1", OrderStatus.SHIPPED)
    async with producer(kafka_settings) as sender:
        await sender.ensure_topics([topic])
        async with started(kafka_settings, topic) as broadcast, broadcast.listen("o1") as events:
            await sender.publish(mine, topic=topic)
            broadcast.published(topic, encode(mine))  # as the relay does once acknowledged
            await sender.publish(theirs, topic=topic)  # another replica's: only via the broker
            assert await statuses(events, 2) == ["PAID", "SHIPPED"]
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5):
                    await anext(events)


async def test_another_replicas_event_reaches_a_quiet_feed_within_its_quiet_wait_then_quickly(
    embedded_broker,
):
    # Quiet: nothing from another replica yet, so the feed asks every second, not every 20 ms.
    settings = settings_for(embedded_broker, feed_quiet_fetch_max_wait_ms=1000)
    topic = unique_name("orders")
    async with producer(settings) as sender:
        await sender.ensure_topics([topic])
        async with started(settings, topic) as broadcast, broadcast.listen("o1") as events:
            assert broadcast.fetch_wait_ms == 1000
            await asyncio.sleep(0.3)  # a quiet fetch is in flight
            assert await arrival(sender, topic, events) < 1.0 + 0.5
            assert broadcast.fetch_wait_ms == 20
            later = [await arrival(sender, topic, events) for _ in range(6)]
            assert max(later) < 0.25, later  # a quiet wait would let some take up to 0.5-1 s


async def test_a_feed_fed_only_by_its_own_relay_stays_quiet_and_delivers_each_event_once(
    kafka_settings,
):
    settings = kafka_settings.model_copy(update={"feed_quiet_fetch_max_wait_ms": 700})
    topic = unique_name("orders")
    mine = [changed("o1", status) for status in (OrderStatus.PAID, OrderStatus.SHIPPED)]
    async with producer(settings) as sender:
        await sender.ensure_topics([topic])
        async with started(settings, topic) as broadcast, broadcast.listen("o1") as events:
            for event in mine:
                await sender.publish(event, topic=topic)
                broadcast.published(topic, encode(event))  # as the relay does once acknowledged
            assert await statuses(events, 2) == ["PAID", "SHIPPED"]
            await asyncio.sleep(1.0)  # the broker's copies arrive meanwhile, and are skipped
            assert broadcast.received == 2
            assert broadcast.fetch_wait_ms == 700


async def test_a_feed_without_listeners_stays_quiet_after_another_replicas_event(kafka_settings):
    settings = kafka_settings.model_copy(update={"feed_quiet_fetch_max_wait_ms": 700})
    topic = unique_name("orders")
    async with producer(settings) as sender:
        await sender.ensure_topics([topic])
        async with started(settings, topic) as broadcast:
            await sender.publish(changed("o2", OrderStatus.PAID), topic=topic)
            await eventually(lambda: broadcast.received == 1)
            assert broadcast.fetch_wait_ms == 700  # no one to hand the next one to
            async with broadcast.listen("o1"):
                assert broadcast.fetch_wait_ms == 20  # within the window: ask often again


async def arrival(sender: EventProducer, topic: str, events: AsyncIterator[Envelope]) -> float:
    """Seconds from publishing an event of ``o1`` (another replica's) to its delivery."""
    start = asyncio.get_running_loop().time()
    await sender.publish(changed("o1", OrderStatus.PAID), topic=topic)
    async with asyncio.timeout(5):
        await anext(events)
    return asyncio.get_running_loop().time() - start
