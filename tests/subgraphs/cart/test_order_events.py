"""OrderCreated from Kafka reaches the cart's handler (embedded Kafka-protocol broker)."""

from __future__ import annotations

import uuid

import pytest

from streaming import EventProducer, KafkaSettings
from streaming.events import Envelope
from streaming.events.contract import Money, OrderItem
from streaming.events.orders import OrderCreated
from subgraphs.cart.domain.memory_store import MemoryCartStore
from subgraphs.cart.domain.records import CartKey, Line, StoredCart
from subgraphs.cart.domain.service import CartService
from subgraphs.cart.events.consumer import OrderEvents
from tests.streaming.harness import eventually, unique_name

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def order_created(user_id: str) -> Envelope:
    item = OrderItem(product_id="p1", quantity=2, unit_price=Money(amount=100, currency="USD"))
    return Envelope.wrap(OrderCreated(
        order_id=str(uuid.uuid4()), user_id=user_id, items=[item],
        total=Money(amount=200, currency="USD"), payment_method="pm_card_visa",
    ))


async def test_order_created_is_consumed_and_without_a_cart_version_keeps_the_cart(
    kafka_settings: KafkaSettings,
) -> None:
    # given Ada's cart and the cart's consumer on its own topic and group
    service = CartService(MemoryCartStore(ttl_seconds=60))
    assert await service.store.save(StoredCart(CartKey("user", "ada")).with_lines((Line("p1", 2),)))
    events = OrderEvents(service, kafka_settings, topic=unique_name("orders"),
                         group=unique_name("cart"))
    await events.start()
    try:
        # when an OrderCreated for Ada is published (today's contract has no cart version)
        async with EventProducer(kafka_settings) as producer:
            await producer.publish(order_created("ada"), topic=events.consumer.topics[0])
        # then the handler ran, and left the cart as it was rather than guess
        await eventually(lambda: events.consumer.stats().handled == 1, within=20)
    finally:
        await events.stop()
    assert (await service.store.load(CartKey("user", "ada"))).lines == (Line("p1", 2),)
