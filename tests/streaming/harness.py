"""Test helpers for every domain: an embedded broker per session, settings, reading topics.

Use as a pytest plugin (``pytest_plugins = ["tests.streaming.harness"]`` in the root conftest) or
import the fixtures into a conftest. Fixtures: ``embedded_broker`` (one per session),
``fresh_broker`` (one per test, for tests that stop or restart it), ``kafka_settings``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from streaming.broker import EmbeddedBroker
from streaming.events import Envelope, decode
from streaming.settings import KafkaSettings
from streaming.topics import ensure_topics

__all__ = [
    "consume",
    "consume_events",
    "embedded_broker",
    "eventually",
    "fresh_broker",
    "kafka_settings",
    "settings_for",
    "unique_name",
]


def settings_for(broker: EmbeddedBroker, **overrides: object) -> KafkaSettings:
    """Settings for ``broker`` with fast group joins (the embedded broker waits ~session/2)."""
    fast = {
        "bootstrap_servers": broker.bootstrap_servers,
        "client_id": "tests",
        "topic_partitions": 4,  # as the embedded broker re-creates topics after a restart
        "request_timeout_ms": 3_000,
        "metadata_max_age_ms": 1_000,
        "fetch_max_wait_ms": 20,
        "session_timeout_ms": 1_000,
        "heartbeat_interval_ms": 200,
    }
    return KafkaSettings(**{**fast, **overrides})


def unique_name(prefix: str) -> str:
    """A topic or group name no other test uses (the session broker is shared)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def embedded_broker() -> Iterator[EmbeddedBroker]:
    """One embedded broker on a free port for the whole session."""
    with EmbeddedBroker() as broker:
        yield broker


@pytest.fixture
def fresh_broker() -> Iterator[EmbeddedBroker]:
    """A broker of this test's own, free to be stopped and restarted."""
    with EmbeddedBroker() as broker:
        yield broker


@pytest.fixture
def kafka_settings(embedded_broker: EmbeddedBroker) -> KafkaSettings:
    return settings_for(embedded_broker)


async def consume(
    settings: KafkaSettings, topic: str, count: int, *, within: float = 10.0, settle: float = 0.0
) -> list[ConsumerRecord]:
    """Read ``topic`` from the beginning (no group) until ``count`` records arrived
    within ``within`` seconds.

    ``settle`` keeps reading that many seconds more, so a test can assert nothing extra came.
    Raises TimeoutError naming how many arrived when fewer than ``count`` did in time.
    """
    # The consumer learns of topics at start and then only every metadata_max_age_ms (5 min):
    # one the writer has not created yet when a fast test starts reading would stay unseen.
    await ensure_topics(settings, [topic])
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        enable_auto_commit=False,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        **settings.client_security(),
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + within
        await _assign_all(consumer, topic, deadline)
        records = await _read(consumer, count, deadline)
        if len(records) < count:
            raise TimeoutError(f"{len(records)} of {count} records on {topic} in {within}s")
        return records + await _read(consumer, None, time.monotonic() + settle)
    finally:
        await consumer.stop()


async def consume_events(
    settings: KafkaSettings, topic: str, count: int, *, within: float = 10.0, settle: float = 0.0
) -> list[Envelope]:
    """Like :func:`consume`, decoded."""
    records = await consume(settings, topic, count, within=within, settle=settle)
    return [decode(record.value) for record in records]


async def eventually(
    check: Callable[[], Awaitable[bool] | bool], *, within: float = 10.0, interval: float = 0.05
) -> None:
    """Wait until ``check()`` is true; AssertionError after ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()
        if await result if isinstance(result, Awaitable) else result:
            return
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within}s: {check}")


async def _assign_all(consumer: AIOKafkaConsumer, topic: str, deadline: float) -> None:
    while not (partitions := consumer.partitions_for_topic(topic)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic} not found")
        await consumer.topics()  # refreshes metadata
        await asyncio.sleep(0.05)
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)


async def _read(consumer: AIOKafkaConsumer, count: int | None, deadline: float) -> list:
    records: list[ConsumerRecord] = []
    while (count is None or len(records) < count) and (left := deadline - time.monotonic()) > 0:
        batch = await consumer.getmany(timeout_ms=int(min(left, 0.2) * 1000))
        for tp_records in batch.values():
            records.extend(tp_records)
    return records
