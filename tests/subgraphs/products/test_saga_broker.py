"""The saga over a real Kafka-protocol broker: OrderCreated in, InventoryReserved out."""

from __future__ import annotations

import httpx
import pytest

from streaming.broker import EmbeddedBroker
from streaming.events import Envelope
from streaming.producer import EventProducer
from streaming.topics import INVENTORY
from subgraphs.products.app import build_app
from tests.streaming.harness import consume_events, eventually, settings_for
from tests.subgraphs.products.harness import Harness
from tests.subgraphs.products.saga import Saga, order_created

pytestmark = pytest.mark.integration


async def test_an_order_created_on_kafka_is_reserved_and_answered_on_the_inventory_topic(
    app: Harness, fresh_broker: EmbeddedBroker,
) -> None:
    # given the products app running its consumer and relay against the broker
    kafka = settings_for(fresh_broker)
    saga = Saga.over(app)
    product = await saga.product(stock=3)
    running = build_app(app.settings, app.services, kafka=kafka)
    async with running.router.lifespan_context(running):
        # when checkout publishes OrderCreated for 2 units
        created = Envelope.wrap(order_created("order-1", (product, 2)))
        async with EventProducer(kafka) as producer:
            await producer.publish(created)
        # then the reservation is published on the inventory topic within the saga
        events = await consume_events(kafka, INVENTORY, 2, within=30)
        stats = await _event_stats(running)
    by_type = {e.type: e for e in events}
    assert set(by_type) == {"InventoryUpdated", "InventoryReserved"}
    assert by_type["InventoryReserved"].payload.order_id == "order-1"
    assert by_type["InventoryReserved"].correlation_id == created.correlation_id
    assert by_type["InventoryUpdated"].payload.stock == 1
    assert await saga.stock(product) == 1
    assert stats["consumers"][0]["handled"] >= 1 and stats["outbox"]["published"] >= 2


async def _event_stats(app: object) -> dict:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://products") as client:
        await eventually(lambda: _published(client), within=10)
        return (await client.get("/ready")).json()["messaging"]


async def _published(client: httpx.AsyncClient) -> bool:
    stats = (await client.get("/ready")).json()["messaging"]
    return stats["outbox"]["published"] >= 2
