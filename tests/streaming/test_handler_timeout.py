"""A consumer's handler attempt has a time limit: a hung attempt is cancelled and fails."""

from __future__ import annotations

import asyncio

import pytest

from streaming.attempts import RecordAttempts
from streaming.consumer import HandlerTimeoutError
from streaming.events import Envelope, encode
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from streaming.topics import dlq_topic
from tests.streaming.harness import consume, eventually, settings_for, unique_name
from tests.streaming.samples import order_created
from tests.streaming.test_consumer import FAST_RETRY, consuming, orders, publish

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(embedded_broker) -> KafkaSettings:
    return settings_for(embedded_broker, handler_timeout_ms=200)


async def test_a_handler_that_hangs_once_is_cancelled_and_retried_then_succeeds(settings):
    topic, calls, cancelled = unique_name("orders"), [], []
    [event] = orders(1)

    async def handle(event: Envelope) -> None:
        calls.append(event.id)
        if len(calls) == 1:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                cancelled.append(event.id)
                raise

    async with consuming(settings, topic, handle, retry=FAST_RETRY) as consumer:
        await publish(settings, topic, event)
        await eventually(lambda: consumer.stats().handled == 1)

    assert calls == [event.id, event.id] and cancelled == [event.id]
    stats = consumer.stats()
    assert (stats.retried, stats.dead_lettered, stats.handled) == (1, 0, 1)


async def test_a_handler_that_always_hangs_is_dead_lettered_and_the_next_event_handled(settings):
    topic, calls = unique_name("orders"), []
    # One order, so one key and one partition: the hung event blocks the one behind it.
    stuck, fine = (Envelope.wrap(order_created("order-7")) for _ in range(2))

    async def handle(event: Envelope) -> None:
        calls.append(event.id)
        if event.id == stuck.id:
            await asyncio.Event().wait()  # never set

    async with consuming(settings, topic, handle, retry=FAST_RETRY) as consumer:
        await publish(settings, topic, stuck, fine)
        await eventually(lambda: fine.id in calls)

    assert calls == [stuck.id] * 3 + [fine.id]
    [letter] = await consume(settings, dlq_topic(topic, consumer.group), 1)
    assert letter.value == encode(stuck) and letter.key == b"order-7"
    assert {name: value.decode() for name, value in letter.headers}.items() >= {
        "eventId": str(stuck.id),
        "dlq.error": "HandlerTimeoutError('handler did not finish within 0.2 s')",
        "dlq.errorType": "HandlerTimeoutError",
        "dlq.group": consumer.group,
        "dlq.topic": topic,
        "dlq.attempts": "3",
    }.items()
    stats = consumer.stats()
    assert (stats.retried, stats.dead_lettered, stats.handled) == (2, 1, 1)


async def test_only_the_limit_raises_handler_timeout_and_zero_sets_no_limit(embedded_broker):
    event = Envelope.wrap(order_created())

    def attempts(limit_ms: int, handler) -> RecordAttempts:
        settings = settings_for(embedded_broker, handler_timeout_ms=limit_ms)
        return RecordAttempts("unused", handler, settings=settings, retry=FAST_RETRY,
                              dead_letters=EventProducer(settings), counts={}, pause=_never)

    async def database_timeout(_: Envelope) -> None:
        raise TimeoutError("database did not answer")

    with pytest.raises(HandlerTimeoutError):
        await attempts(100, lambda _: asyncio.sleep(0.3)).attempt(event)
    await attempts(0, lambda _: asyncio.sleep(0.3)).attempt(event)  # no limit: it finishes
    with pytest.raises(TimeoutError) as raised:  # the handler's own: transient, retried
        await attempts(1000, database_timeout).attempt(event)
    assert type(raised.value) is TimeoutError and FAST_RETRY.gives_up(raised.value, 99) is False


async def _never(_: float) -> bool:
    return False


def test_the_handler_timeout_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("KAFKA_HANDLER_TIMEOUT_MS", raising=False)
    assert KafkaSettings().handler_timeout_ms == 30_000
    monkeypatch.setenv("KAFKA_HANDLER_TIMEOUT_MS", "1500")
    assert KafkaSettings().handler_timeout_ms == 1500
