"""Records of types a consumer's routes ignore: done before decoding, never claimed, committed."""

from __future__ import annotations

import asyncio

import pytest

import streaming.attempts
from streaming.consumer import EventConsumer
from streaming.events import Envelope, InventoryUpdated, OrderCreated, decode, encode
from streaming.handlers import dispatch
from streaming.inbox import idempotent
from streaming.producer import EventProducer, Message
from tests.streaming.conftest import EFFECTS, INBOX
from tests.streaming.harness import eventually, unique_name
from tests.streaming.samples import order_created
from tests.streaming.test_consumer import publish
from tests.streaming.test_inbox import count, record

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[bytes | None]:
    """The value of every record the consumers decode (the real decoder still runs)."""
    seen: list[bytes | None] = []

    def counting(data: bytes | None) -> Envelope:
        seen.append(data)
        return decode(data)

    monkeypatch.setattr(streaming.attempts, "decode", counting)
    return seen


def stock_update(order_id: str) -> Envelope:
    return Envelope.wrap(InventoryUpdated(product_id="p-1", stock=3, delta=-1, reason="reserved",
                                          order_id=order_id))


async def test_an_unrouted_record_is_skipped_undecoded_unclaimed_and_its_offset_committed(
    kafka_settings, sessions, engine, decoded
):
    topic, group = unique_name("inventory"), unique_name("payments")
    handler = idempotent(sessions, group, dispatch({OrderCreated: record}))
    ignored = [stock_update(f"order-{i}") for i in range(3)]
    routed = Envelope.wrap(order_created("order-9"))
    consumer = EventConsumer([topic], group, handler, settings=kafka_settings)
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        # given a payments-like consumer routing OrderCreated only
        # when the topic carries three events the routes ignore and one they route
        await publish(kafka_settings, topic, *ignored, routed)
        await eventually(lambda: consumer.stats().handled == 4)
        # then only the routed one was decoded, claimed and handled ...
        assert decoded == [encode(routed)]
        assert await count(engine, INBOX) == 1 and await count(engine, EFFECTS) == 1
        # ... and every offset, the skipped ones' included, is committed
        await eventually(_nothing_behind(consumer), within=5)
        assert consumer.stats().dead_lettered == 0
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)


async def test_a_record_without_an_event_type_header_is_decoded_and_routed_as_before(
    kafka_settings, sessions, engine, decoded
):
    # Records written before producers set the header carry only the envelope.
    topic, group = unique_name("inventory"), unique_name("payments")
    handler = idempotent(sessions, group, dispatch({OrderCreated: record}))
    ignored, routed = stock_update("order-1"), Envelope.wrap(order_created("order-2"))
    consumer = EventConsumer([topic], group, handler, settings=kafka_settings)
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        async with EventProducer(kafka_settings) as producer:
            for event in (ignored, routed):
                await producer.send(Message(topic, encode(event), event.key, []))
        await eventually(lambda: consumer.stats().handled == 2)
        # both were decoded; the ignored one left no inbox row, the routed one was handled
        assert sorted(decoded) == sorted([encode(ignored), encode(routed)])
        assert await count(engine, INBOX) == 1 and await count(engine, EFFECTS) == 1
        await eventually(_nothing_behind(consumer), within=5)
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)


def _nothing_behind(consumer: EventConsumer):
    async def check() -> bool:
        lag = await consumer.committed_lag()
        return bool(lag) and not any(lag.values())

    return check
