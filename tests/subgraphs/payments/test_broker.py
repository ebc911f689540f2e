"""Through the real embedded Kafka-protocol broker: consumer lag, the outbox relay, dead letters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from streaming.broker import EmbeddedBroker
from streaming.consumer import RetryPolicy
from streaming.events import Envelope, PaymentStatus
from streaming.producer import EventProducer, Message
from streaming.settings import KafkaSettings
from streaming.topics import ALL_TOPICS, PAYMENTS, dlq_topic
from tests.streaming.harness import consume, consume_events, eventually, settings_for
from tests.subgraphs.payments.harness import Harness, cancelled, open_harness, reserved

pytestmark = pytest.mark.integration
FAST_RETRY = RetryPolicy(attempts=3, initial_backoff=0.02, max_backoff=0.05)


async def publish(kafka: KafkaSettings, *events: Envelope) -> None:
    async with EventProducer(kafka) as producer:
        await producer.ensure_topics(ALL_TOPICS)
        for event in events:
            await producer.publish(event)


async def payment_events(kafka: KafkaSettings, count: int) -> list[Envelope]:
    """The first ``count`` events on the payments topic (each test has a broker of its own)."""
    return await consume_events(kafka, PAYMENTS, count, within=20)


@asynccontextmanager
async def running(
    database_url: str, kafka: KafkaSettings, **options: Any
) -> AsyncIterator[Harness]:
    async with open_harness(database_url, kafka=kafka, retry=FAST_RETRY, **options) as app:
        yield app


async def test_a_reservation_made_while_payments_was_down_is_charged_when_it_starts(
    database_url: str, fresh_broker: EmbeddedBroker
) -> None:
    # given an InventoryReserved waiting in Kafka before payments runs (consumer lag)
    kafka = settings_for(fresh_broker)
    event = reserved()
    await publish(kafka, event)
    # when payments starts
    async with running(database_url, kafka) as app:
        # then it charges and PaymentProcessed reaches the payments topic through the outbox
        [processed] = await payment_events(kafka, 1)
        assert processed.type == "PaymentProcessed"
        assert processed.payload.status == PaymentStatus.SUCCEEDED
        assert processed.correlation_id == event.correlation_id
        # the relay counts a row once its send returned, which can be after a reader saw it
        async def counted() -> bool:
            body = (await app.client.get("/ready")).json()
            return body["messaging"]["outbox"]["published"] >= 1

        await eventually(counted, within=10)
        ready = (await app.client.get("/ready")).json()
        assert ready["status"] == "ok"
        assert ready["messaging"]["consumers"][0]["group"] == "payments"


async def test_a_refund_that_keeps_failing_is_dead_lettered_counted_and_replayable(
    database_url: str, fresh_broker: EmbeddedBroker
) -> None:
    kafka = settings_for(fresh_broker)
    event = reserved()
    order_id = event.payload.order_id
    async with running(database_url, kafka, sandbox_fail_refunds=True) as app:
        # given a paid order, and a provider that fails refunds
        await publish(kafka, event)
        await payment_events(kafka, 1)
        # when the order is cancelled
        await publish(kafka, cancelled(order_id))
        # then after the retries the event is in the dead-letter topic, and counted
        [dead] = await consume(kafka, dlq_topic("orders", "payments"), 1, within=20)
        headers = dict(dead.headers)
        assert headers["dlq.errorType"] == b"RefundFailed"
        assert headers["dlq.attempts"] == b"3"
        await eventually(lambda: _dead_lettered(app) == 1)
        ready = (await app.client.get("/ready")).json()
        assert ready["messaging"]["consumers"][0]["dead_lettered"] == 1
        assert (await app.payment(order_id)).status == PaymentStatus.SUCCEEDED  # type: ignore[union-attr]
        # and once refunds work again, replaying the dead letter (README) refunds the order
        app.sandbox.fail_refunds = False
        async with EventProducer(kafka) as producer:
            await producer.send(Message(headers["dlq.topic"].decode(), dead.value, dead.key))
        refunded = (await payment_events(kafka, 2))[1]
        assert refunded.type == "PaymentRefunded" and refunded.key == order_id
        assert await app.refunds() == 1


def _dead_lettered(app: Harness) -> int:
    assert app.services.messaging is not None
    return sum(c.stats().dead_lettered for c in app.services.messaging.consumers)


async def test_payments_is_ready_while_the_broker_is_down(sqlite_url: str) -> None:
    # given no broker at all on the configured address
    kafka = KafkaSettings(bootstrap_servers="127.0.0.1:1", request_timeout_ms=200)
    async with running(sqlite_url, kafka) as app:
        # then /ready judges the database only and reports the idle consumers
        response = await app.client.get("/ready")
        assert response.status_code == 200
        assert response.json()["messaging"]["consumers"][0]["consumed"] == 0
