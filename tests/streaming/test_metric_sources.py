"""What the metrics read from Kafka and the outbox: lag from committed offsets, dead letters
kept, unpublished rows and the age of the oldest (consumer.py, outbox.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from streaming.events import Envelope
from streaming.outbox import OutboxRelay, enqueue
from streaming.producer import EventProducer, Message
from streaming.topics import dlq_topic
from tests.streaming.conftest import OUTBOX
from tests.streaming.harness import eventually, unique_name
from tests.streaming.test_consumer import FAST_RETRY, consuming, orders, publish

pytestmark = pytest.mark.integration


@pytest.mark.timeout(60)
async def test_lag_is_end_minus_committed_offset_until_the_handler_catches_up(kafka_settings):
    # given a consumer whose handler is stuck on the first of three events
    topic, release = unique_name("orders"), asyncio.Event()

    async def handle(event: Envelope) -> None:
        await release.wait()

    async with consuming(kafka_settings, topic, handle) as consumer:
        await publish(kafka_settings, topic, *orders(3, prefix="same"))
        await eventually(lambda: consumer.stats().consumed >= 1)
        # then the lag counts all three (nothing committed yet)
        stuck = await consumer.committed_lag()
        # and when the handler is released, it falls to zero (within a commit interval)
        release.set()
        await eventually(lambda: consumer.stats().handled == 3)

        async def caught_up() -> bool:
            return sum((await consumer.committed_lag()).values()) == 0

        await eventually(caught_up, within=5)
    assert sum(stuck.values()) == 3 and {tp.topic for tp in stuck} == {topic}


@pytest.mark.timeout(60)
async def test_dead_letters_are_counted_per_dead_letter_topic(kafka_settings):
    topic, seen = unique_name("orders"), []

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    async with consuming(kafka_settings, topic, handle, retry=FAST_RETRY) as consumer:
        empty = await consumer.dead_letters()
        async with EventProducer(kafka_settings) as producer:
            await producer.send(Message(topic, b"{not json", "k", []))
        await publish(kafka_settings, topic, *orders(1))
        await eventually(lambda: len(seen) == 1)
        kept = await consumer.dead_letters()
    assert empty == {dlq_topic(topic, consumer.group): 0}
    assert kept == {dlq_topic(topic, consumer.group): 1}


async def test_the_backlog_counts_unpublished_rows_and_dates_the_oldest(engine, sessions,
                                                                        kafka_settings):
    relay = OutboxRelay(engine, EventProducer(kafka_settings), table=OUTBOX)
    assert await relay.backlog() == (0, None)
    written = datetime.now(UTC)
    async with sessions() as session, session.begin():
        for event in orders(2):
            await enqueue(session, event, table=OUTBOX)
    count, oldest = await relay.backlog()
    assert count == 2 and oldest is not None
    assert abs((oldest - written).total_seconds()) < 60  # UTC, zone-aware on both databases
    await relay.producer.start()
    await relay.publish_pending()
    assert await relay.backlog() == (0, None)
    await relay.producer.stop()
