"""Through the real embedded Kafka-protocol broker: the saga's events become messages once."""

from __future__ import annotations

import asyncio

import pytest

from streaming.broker import EmbeddedBroker
from streaming.consumer import RetryPolicy
from streaming.events import Envelope, OrderStatus
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from streaming.topics import ALL_TOPICS
from tests.streaming.harness import eventually, settings_for
from tests.subgraphs.notifications.harness import (
    Harness,
    created,
    open_harness,
    registered,
    shipped,
    status_changed,
)

pytestmark = pytest.mark.integration
# Enough patience (~8 s) for an order event to wait for a UserRegistered from the other topic.
RETRY = RetryPolicy(attempts=20, initial_backoff=0.05, max_backoff=0.5)


async def publish(kafka: KafkaSettings, *events: Envelope) -> None:
    async with EventProducer(kafka) as producer:
        await producer.ensure_topics(ALL_TOPICS)
        for event in events:
            await producer.publish(event)


def saga(user_id: str = "user-1") -> list[Envelope]:
    order = created(user_id=user_id)
    order_id = order.payload.order_id
    paid = status_changed(order_id, OrderStatus.PAID, user_id=user_id)
    return [registered(user_id), order, paid, shipped(order_id, user_id=user_id)]


def handled(app: Harness) -> int:
    assert app.services.messaging is not None
    return sum(c.stats().handled for c in app.services.messaging.consumers)


async def test_the_saga_is_notified_once_per_event_and_channel_and_redelivery_adds_none(
    database_url: str, fresh_broker: EmbeddedBroker
) -> None:
    kafka = settings_for(fresh_broker)
    events = saga()
    async with open_harness(database_url, kafka=kafka, retry=RETRY) as app:
        # when UserRegistered, OrderCreated, OrderStatusChanged(PAID), OrderShipped are published
        await publish(kafka, *events)
        # then each becomes one email and one SMS (the user gave a phone number)
        await eventually(lambda: _count(app, 8), within=30)
        messages = await app.messages()
        templates = ["welcome", "order_received", "order_paid", "order_shipped"]
        assert sorted(m.template for m in messages) == sorted(templates * 2)
        assert {m.status for m in messages} == {"sent"}
        # when the very same envelopes are delivered again
        await publish(kafka, *events)
        await eventually(lambda: _handled_at_least(app, 8), within=30)
        await asyncio.sleep(0.5)
        # then nothing is added
        assert len(await app.messages()) == 8


async def test_order_events_published_before_the_contact_wait_for_it(
    database_url: str, fresh_broker: EmbeddedBroker
) -> None:
    kafka = settings_for(fresh_broker)
    welcome, *orders = saga("user-late")
    async with open_harness(database_url, kafka=kafka, retry=RETRY) as app:
        # when the order events reach Kafka before the user's UserRegistered
        await publish(kafka, *orders)
        await asyncio.sleep(0.5)
        await publish(kafka, welcome)
        # then they are retried until the contact is known, and all are addressed normally
        await eventually(lambda: _count(app, 8), within=30)
        assert {m.recipient for m in await app.messages()} == {
            "user-late@example.com", "+14155550101",
        }


async def _count(app: Harness, expected: int) -> bool:
    return len(await app.messages()) >= expected


async def _handled_at_least(app: Harness, expected: int) -> bool:
    return handled(app) >= expected
