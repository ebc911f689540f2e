"""Consumer runner on the real embedded broker: delivery, retries, dead letters, lag, stopping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.exc import OperationalError

from streaming.consumer import EventConsumer, RetryPolicy
from streaming.deadletter import count_dead_letters, replay_dead_letters
from streaming.events import Envelope, OrderCreated, PoisonMessageError
from streaming.handlers import TransientError, dispatch
from streaming.producer import EventProducer, Message
from streaming.settings import KafkaSettings
from streaming.topics import dlq_topic
from tests.streaming.harness import consume, eventually, unique_name
from tests.streaming.samples import every_payload, order_created

pytestmark = pytest.mark.integration
FAST_RETRY = RetryPolicy(attempts=3, initial_backoff=0.01, max_backoff=0.05)


@asynccontextmanager
async def consuming(
    settings: KafkaSettings, topic: str, handler: Callable, **options: object
) -> AsyncIterator[EventConsumer]:
    """A consumer running in the background, joined to its group before the body starts."""
    consumer = EventConsumer([topic], unique_name("group"), handler, settings=settings, **options)
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        yield consumer
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)


async def publish(settings: KafkaSettings, topic: str, *events: Envelope) -> None:
    async with EventProducer(settings) as producer:
        for event in events:
            await producer.publish(event, topic=topic)


def orders(n: int, prefix: str = "order") -> list[Envelope]:
    return [Envelope.wrap(order_created(f"{prefix}-{i % 4}")) for i in range(n)]


async def test_events_arrive_typed_and_in_order_per_key(kafka_settings: KafkaSettings):
    topic, seen = unique_name("orders"), []
    events = orders(12)

    async def handle(event: Envelope) -> None:
        seen.append(event)

    async with consuming(kafka_settings, topic, handle) as consumer:
        await publish(kafka_settings, topic, *events)
        await eventually(lambda: len(seen) == 12)

    assert {e.id for e in seen} == {e.id for e in events}
    for key in {e.key for e in events}:
        assert [e.id for e in seen if e.key == key] == [e.id for e in events if e.key == key]
    assert all(isinstance(e.payload, OrderCreated) for e in seen)
    assert consumer.stats().handled == 12 and consumer.stats().dead_lettered == 0


async def test_events_a_handler_wraps_stay_in_the_trace_of_the_event_it_handles(kafka_settings):
    topic, follow_ups = unique_name("orders"), []
    incoming = orders(1)[0]

    async def handle(event: Envelope) -> None:
        follow_ups.append(Envelope.wrap(order_created()))  # no cause= given

    async with consuming(kafka_settings, topic, handle) as consumer:
        await publish(kafka_settings, topic, incoming)
        await eventually(lambda: consumer.stats().handled == 1)

    assert follow_ups[0].traceparent.split("-")[1] == incoming.traceparent.split("-")[1]


async def test_committed_events_are_not_redelivered_to_the_same_group(kafka_settings):
    topic, group, seen = unique_name("orders"), unique_name("group"), []

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    await publish(kafka_settings, topic, *orders(3))
    for _ in range(2):  # the second run of the group finds everything committed
        consumer = EventConsumer([topic], group, handle, settings=kafka_settings)
        task = asyncio.create_task(consumer.run())
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        await eventually(lambda: len(seen) >= 3)
        await asyncio.sleep(0.3)  # room for a redelivery to show up
        consumer.stop()
        await task

    assert len(seen) == 3


async def test_malformed_message_is_dead_lettered_at_once_and_consumption_continues(kafka_settings):
    topic, seen = unique_name("orders"), []
    good = orders(2)

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    async with consuming(kafka_settings, topic, handle, retry=FAST_RETRY) as consumer:
        await publish(kafka_settings, topic, good[0])
        async with EventProducer(kafka_settings) as producer:
            await producer.send(Message(topic, b"{not json", "order-0", [("eventType", b"?")]))
        await publish(kafka_settings, topic, good[1])
        await eventually(lambda: len(seen) == 2)

    [letter] = await consume(kafka_settings, dlq_topic(topic, consumer.group), 1)
    headers = dict(letter.headers)
    assert letter.value == b"{not json" and letter.key == b"order-0"
    assert headers["dlq.errorType"] == b"MalformedEventError" and headers["eventType"] == b"?"
    assert headers["dlq.topic"] == topic.encode() and headers["dlq.attempts"] == b"0"
    assert sorted(seen) == sorted([good[0].id, good[1].id])  # two keys: no order between them
    assert await count_dead_letters(kafka_settings, topic, consumer.group) == 1
    assert await count_dead_letters(kafka_settings, topic, "nobody") == 0
    stats = consumer.stats()
    assert (stats.consumed, stats.handled, stats.dead_lettered, stats.retried) == (3, 2, 1, 0)


async def test_failing_handler_is_retried_then_dead_lettered_and_the_next_event_handled(
    kafka_settings,
):
    topic, calls = unique_name("orders"), []
    # One order, so one key and one partition: the poison blocks the event behind it.
    poison, fine = (Envelope.wrap(order_created("order-7")) for _ in range(2))

    async def handle(event: Envelope) -> None:
        calls.append(event.id)
        if event.id == poison.id:
            raise RuntimeError("database says no")

    async with consuming(kafka_settings, topic, handle, retry=FAST_RETRY) as consumer:
        await publish(kafka_settings, topic, poison, fine)
        await eventually(lambda: fine.id in calls)

    assert calls == [poison.id] * 3 + [fine.id]
    [letter] = await consume(kafka_settings, dlq_topic(topic, consumer.group), 1)
    headers = dict(letter.headers)
    assert headers["dlq.error"] == b"RuntimeError('database says no')"
    assert headers["dlq.attempts"] == b"3" and headers["eventId"] == str(poison.id).encode()
    stats = consumer.stats()
    assert (stats.retried, stats.dead_lettered, stats.handled) == (2, 1, 1)


async def test_dead_letters_replayed_after_a_fix_are_handled_once(kafka_settings):
    topic, handled, broken = unique_name("orders"), [], [True]
    event = orders(1)[0]

    async def refund(event: Envelope) -> None:
        if broken[0]:
            raise RuntimeError("refund API rejected the request")
        handled.append(event.id)

    async with consuming(kafka_settings, topic, refund, retry=FAST_RETRY) as consumer:
        await publish(kafka_settings, topic, event)
        await eventually(lambda: consumer.stats().dead_lettered == 1)
        broken[0] = False  # the bug is fixed and deployed

        replayed = await replay_dead_letters(kafka_settings, topic, consumer.group)
        again = await replay_dead_letters(kafka_settings, topic, consumer.group)
        await eventually(lambda: handled == [event.id])

    assert (replayed, again) == (1, 0)
    _, record = await consume(kafka_settings, topic, 2, settle=0.2)
    assert not any(key.startswith("dlq.") for key, _ in record.headers)


async def test_transient_failures_are_retried_past_the_attempt_limit_never_dead_lettered(
    kafka_settings,
):
    topic, calls = unique_name("orders"), []

    async def flaky(event: Envelope) -> None:
        calls.append(event.id)
        if len(calls) < 6:  # FAST_RETRY allows 3 attempts for other errors
            raise TransientError("payment provider unreachable")

    async with consuming(kafka_settings, topic, flaky, retry=FAST_RETRY) as consumer:
        await publish(kafka_settings, topic, *orders(1))
        await eventually(lambda: consumer.stats().handled == 1)

    assert (consumer.stats().retried, consumer.stats().dead_lettered) == (5, 0)


def test_retry_delays_double_up_to_the_cap_and_only_other_errors_give_up():
    policy = RetryPolicy(attempts=3, initial_backoff=0.1, max_backoff=0.3)

    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.1, 0.2, 0.3, 0.3]
    assert not policy.gives_up(RuntimeError(), 2) and policy.gives_up(RuntimeError(), 3)
    database_down = OperationalError("SELECT 1", {}, ConnectionRefusedError())
    for transient in (TransientError(), TimeoutError(), ConnectionError(), database_down):
        assert not policy.gives_up(transient, 99)


async def test_handler_raising_poison_skips_the_remaining_attempts(kafka_settings):
    topic, calls = unique_name("orders"), []

    async def reject(event: Envelope) -> None:
        calls.append(event.id)
        raise PoisonMessageError("order for an unknown product")

    async with consuming(kafka_settings, topic, reject, retry=FAST_RETRY) as consumer:
        await publish(kafka_settings, topic, *orders(1))
        await eventually(lambda: consumer.stats().dead_lettered == 1)

    assert len(calls) == 1


async def test_lag_per_partition_counts_unhandled_records_and_drains(kafka_settings):
    topic, gate = unique_name("orders"), asyncio.Event()

    async def blocked(event: Envelope) -> None:
        await gate.wait()

    await publish(kafka_settings, topic, *[Envelope.wrap(order_created("one")) for _ in range(5)])
    async with consuming(kafka_settings, topic, blocked, max_records=1) as consumer:
        await eventually(lambda: consumer.stats().consumed == 1)
        assert consumer.stats().total_lag == 5  # the one being handled is not done yet
        gate.set()
        await eventually(lambda: consumer.stats().handled == 5)
        await eventually(lambda: consumer.stats().total_lag == 0)
        stats = consumer.stats().as_dict()

    assert set(stats) >= {"consumed", "retried", "dead_lettered", "lag", "total_lag"}
    assert stats["lag"] and all(key.startswith(f"{topic}/") for key in stats["lag"])


async def test_dispatch_routes_by_payload_type_and_ignores_others(kafka_settings):
    topic, created = unique_name("orders"), []

    async def on_created(event: Envelope) -> None:
        created.append(event.id)

    handler = dispatch({OrderCreated: on_created})
    events = [Envelope.wrap(p) for p in every_payload()]
    async with consuming(kafka_settings, topic, handler) as consumer:
        await publish(kafka_settings, topic, *events)
        await eventually(lambda: consumer.stats().handled == len(events))

    assert created == [e.id for e in events if isinstance(e.payload, OrderCreated)]


async def test_cancelling_the_runner_stops_it_cleanly(kafka_settings):
    topic = unique_name("orders")

    async def handle(event: Envelope) -> None:
        await asyncio.sleep(60)

    consumer = EventConsumer([topic], unique_name("g"), handle, settings=kafka_settings)
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(consumer.assigned.wait(), 15)
    await publish(kafka_settings, topic, *orders(1))
    await eventually(lambda: consumer.stats().consumed == 1)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert not consumer.assigned.is_set()
