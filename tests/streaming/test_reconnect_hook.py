"""streaming/reconnect.py hangs on aiokafka's private close hook: an upgrade must not silence it.

pyproject pins aiokafka to the versions this passes with; an upgrade that renames or stops calling
``AIOKafkaClient._on_connection_closed`` fails here instead of leaving restarted-broker readers
fetching at stale positions.
"""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from streaming.reconnect import ConnectionLosses
from streaming.topics import ensure_topics
from tests.streaming.harness import eventually, settings_for, unique_name

pytestmark = pytest.mark.integration


@pytest.mark.timeout(60)
async def test_a_broken_broker_connection_is_counted_and_pauses_the_partitions(fresh_broker):
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic = unique_name("hook")
    await ensure_topics(settings, [topic])
    kafka = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers, enable_auto_commit=False,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
    )
    await kafka.start()
    try:
        kafka.assign([TopicPartition(topic, 0)])
        lost = ConnectionLosses()
        lost.watch(kafka)
        assert not lost.pending
        await kafka.getmany(timeout_ms=200)  # a live fetch connection to break

        fresh_broker.stop()

        await eventually(lambda: lost.seen >= 1, within=20)
        assert lost.pending
        assert kafka.paused() == {TopicPartition(topic, 0)}
    finally:
        fresh_broker.start()  # aiokafka's stop cancels a fetch stuck retrying a dead broker
        await kafka.stop()


def test_watching_a_client_without_the_hook_fails_loudly():
    class Client:  # what an aiokafka that renamed the hook would hand us
        pass

    class Consumer:
        _client = Client()

    with pytest.raises(RuntimeError, match="_on_connection_closed"):
        ConnectionLosses().watch(Consumer())  # type: ignore[arg-type]
