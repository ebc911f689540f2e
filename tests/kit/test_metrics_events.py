"""The event gauges in a subgraph's scrape: outbox backlog and age, consumer lag per group and
partition, dead letters (subgraphs/kit/metrics.py ``observe``, read at each scrape)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData

from common.telemetry.metrics import scrape
from streaming.events import Envelope
from streaming.outbox import enqueue, outbox_table
from streaming.topics import dlq_topic
from subgraphs.kit.database import Database
from subgraphs.kit.messaging import Messaging
from subgraphs.kit.metrics import observe
from tests.scrape import sample, series
from tests.streaming.harness import eventually, unique_name
from tests.streaming.test_consumer import consuming, orders, publish

pytestmark = pytest.mark.integration


async def test_the_outbox_backlog_and_its_oldest_row_are_read_at_each_scrape(sqlite_url: str,
                                                                             kafka_settings):
    # given a service whose relay has not published two events yet
    metadata = MetaData()
    table = outbox_table(metadata)
    database = Database(sqlite_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    messaging = Messaging(database, kafka_settings, outbox=table)
    start, stop = observe("events-a", [messaging])
    await start()
    try:
        async with database.transaction() as session:
            for event in orders(2):
                await enqueue(session, event, table=table)
        await asyncio.sleep(0.05)  # the oldest row is some time old
        # when Prometheus scrapes
        text = (await scrape()).decode()
    finally:
        await stop()
        await database.dispose()
    # then both wait, the oldest for a positive time
    assert sample(text, "outbox_backlog", service="events-a") == 2
    assert sample(text, "outbox_oldest_age_seconds", service="events-a") > 0


@pytest.mark.timeout(60)
async def test_lag_and_dead_letters_of_a_running_consumer_are_read_at_each_scrape(
        kafka_settings):
    # given a consumer (a part with a ``consumer``, as the cart's) stuck on its first event
    topic, release = unique_name("orders"), asyncio.Event()

    async def handle(event: Envelope) -> None:
        await release.wait()

    async with consuming(kafka_settings, topic, handle) as consumer:
        start, stop = observe("events-b", [SimpleNamespace(consumer=consumer)])
        await start()
        try:
            await publish(kafka_settings, topic, *orders(3, prefix="same"))
            await eventually(lambda: consumer.stats().consumed >= 1)
            text = (await scrape()).decode()
            release.set()
        finally:
            await stop()
    # then the scrape shows its lag per partition and its empty dead-letter topic
    lag = [(labels, value) for labels, value in series(text, "kafka_consumer_lag")
           if labels["group"] == consumer.group]
    assert sum(value for _, value in lag) == 3
    assert all(labels["topic"] == topic and labels["partition"].isdigit() for labels, _ in lag)
    dead = [(labels["topic"], value) for labels, value in series(text, "kafka_dlq_messages")
            if labels["group"] == consumer.group]
    assert dead == [(dlq_topic(topic, consumer.group), 0)]
