"""Concurrent handling on the real embedded broker: other keys go on while one key waits, one key
stays in order, and a commit never passes a record that has not finished."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest

from streaming.consumer import EventConsumer, RetryPolicy
from streaming.events import Envelope
from streaming.handlers import TransientError
from streaming.lifecycle import running
from streaming.settings import KafkaSettings
from tests.streaming.harness import eventually, settings_for, unique_name
from tests.streaming.samples import order_created
from tests.streaming.test_consumer import consuming, publish

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


@pytest.fixture
def one_partition(embedded_broker) -> KafkaSettings:
    """Topics of one partition: every key shares it, so only per-key lanes can overlap them."""
    return settings_for(embedded_broker, topic_partitions=1, consumer_concurrency=3)


def of(key: str, n: int) -> list[Envelope]:
    return [Envelope.wrap(order_created(key)) for _ in range(n)]


async def test_events_of_one_key_are_handled_in_order_and_one_at_a_time(embedded_broker):
    settings = settings_for(embedded_broker, consumer_concurrency=3)
    topic, seen, busy = unique_name("orders"), [], defaultdict(int)
    events = [e for i in range(10) for e in (of(f"order-{k}", 1)[0] for k in range(8))]
    running, most = [0], [0]

    async def handle(event: Envelope) -> None:
        busy[event.key] += 1
        running[0] += 1
        most[0] = max(most[0], running[0])
        assert busy[event.key] == 1, "two events of one key handled at once"
        await asyncio.sleep(0.001 * (hash(event.id) % 5))
        seen.append(event)
        busy[event.key] -= 1
        running[0] -= 1

    await publish(settings, topic, *events)  # all there before the consumer joins
    async with consuming(settings, topic, handle) as consumer:
        await eventually(lambda: len(seen) == len(events), within=30)

    for key in {e.key for e in events}:
        assert [e.id for e in seen if e.key == key] == [e.id for e in events if e.key == key]
    assert 1 < most[0] <= 3  # concurrent, within the setting
    assert consumer.stats().handled == len(events)


async def test_a_blocked_key_does_not_stop_other_keys_of_its_partition(one_partition):
    topic, gate, seen = unique_name("orders"), asyncio.Event(), []
    [a1, a2], [b1, b2] = of("order-a", 2), of("order-b", 2)

    async def handle(event: Envelope) -> None:
        if event.id == a1.id:
            await gate.wait()
        seen.append(event.id)

    async with consuming(one_partition, topic, handle) as consumer:
        await publish(one_partition, topic, a1, b1, a2, b2)
        await eventually(lambda: seen == [b1.id, b2.id])  # a1 still blocked, a2 behind it
        assert list((await consumer.committed_lag()).values()) == [4]  # nothing passes a1
        gate.set()
        await eventually(lambda: len(seen) == 4)
        await eventually(lambda: _all_committed(consumer))

    assert seen == [b1.id, b2.id, a1.id, a2.id]


async def test_one_key_waits_for_itself_across_the_topics_a_consumer_reads(one_partition):
    orders, payments = unique_name("orders"), unique_name("payments")
    gate, seen = asyncio.Event(), []
    [created], [paid], [other] = of("order-a", 1), of("order-a", 1), of("order-b", 1)

    async def handle(event: Envelope) -> None:
        if event.id == created.id:
            await gate.wait()
        seen.append(event.id)

    consumer = EventConsumer([orders, payments], unique_name("g"), handle, settings=one_partition)
    async with running(consumer):
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        await publish(one_partition, orders, created)
        await eventually(lambda: consumer.stats().consumed == 1)  # created is in hand
        await publish(one_partition, payments, paid, other)
        await eventually(lambda: seen == [other.id])  # paid waits: same order as created
        gate.set()
        await eventually(lambda: len(seen) == 3)

    assert seen == [other.id, created.id, paid.id]


async def test_a_record_unfinished_at_a_crash_is_redelivered_though_later_ones_finished(
    one_partition,
):
    topic, group, gate = unique_name("orders"), unique_name("group"), asyncio.Event()
    [a], [b] = of("order-a", 1), of("order-b", 1)
    first: list[object] = []

    async def blocked(event: Envelope) -> None:
        first.append(event.id)
        if event.id == a.id:
            await gate.wait()  # never released: the process dies with it in hand

    consumer = EventConsumer([topic], group, blocked, settings=one_partition)
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(consumer.assigned.wait(), 15)
    await publish(one_partition, topic, a, b)
    await eventually(lambda: consumer.stats().handled == 1 and a.id in first)
    task.cancel()  # as abrupt as a kill: no finally of the handler runs to completion
    await asyncio.gather(task, return_exceptions=True)

    assert await _redelivered(one_partition, topic, group) == {a.id, b.id}


async def test_a_record_abandoned_by_stop_during_its_retries_is_redelivered(one_partition):
    topic, group = unique_name("orders"), unique_name("group")
    [a], [b] = of("order-a", 1), of("order-b", 1)
    slow_retry = RetryPolicy(attempts=3, initial_backoff=30, max_backoff=30)

    async def failing_a(event: Envelope) -> None:
        if event.id == a.id:
            raise TransientError("database down")  # backs off for 30 s: stop comes first

    consumer = EventConsumer([topic], group, failing_a, settings=one_partition, retry=slow_retry)
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(consumer.assigned.wait(), 15)
    await publish(one_partition, topic, a, b)
    await eventually(lambda: consumer.stats().handled == 1 and consumer.stats().retried == 1)
    consumer.stop()
    await asyncio.wait_for(task, 10)

    assert await _redelivered(one_partition, topic, group) == {a.id, b.id}


async def _redelivered(settings: KafkaSettings, topic: str, group: str) -> set[object]:
    """What the group's next member is handed (a fresh consumer, all handlers succeed)."""
    again: list[object] = []

    async def record(event: Envelope) -> None:
        again.append(event.id)

    consumer = EventConsumer([topic], group, record, settings=settings)
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        await eventually(lambda: len(again) >= 2)
        await eventually(lambda: _all_committed(consumer))
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)
    return set(again)


async def _all_committed(consumer: EventConsumer) -> bool:
    return sum((await consumer.committed_lag()).values()) == 0


async def test_partitions_moved_to_a_new_member_mid_handling_lose_no_record(kafka_settings):
    settings = kafka_settings.model_copy(update={"consumer_concurrency": 4})
    topic, group, gate = unique_name("orders"), unique_name("group"), asyncio.Event()
    events = [e for k in range(8) for e in of(f"order-{k}", 3)]
    seen: list[object] = []

    async def first(event: Envelope) -> None:  # holds every record until the group rebalances
        await gate.wait()
        seen.append(event.id)

    async def second(event: Envelope) -> None:
        seen.append(event.id)

    one = EventConsumer([topic], group, first, settings=settings)
    two = EventConsumer([topic], group, second, settings=settings)
    async with running(one):
        await asyncio.wait_for(one.assigned.wait(), 15)
        await publish(settings, topic, *events)
        await eventually(lambda: one.stats().consumed >= 1)
        async with running(two):
            await asyncio.wait_for(two.assigned.wait(), 15)  # the group moved partitions
            gate.set()
            await eventually(lambda: {e.id for e in events} <= set(seen), within=30)
            await eventually(lambda: _all_committed(one) if one.assigned.is_set() else True)
            await eventually(lambda: _all_committed(two))

    for key in {e.key for e in events}:  # redelivered ones again, but each key still in order
        order = [i for i in seen if i in {e.id for e in events if e.key == key}]
        assert _first_occurrences(order) == [e.id for e in events if e.key == key]


def _first_occurrences(ids: list[object]) -> list[object]:
    return list(dict.fromkeys(ids))
