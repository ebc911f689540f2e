"""Orders and the real payments subgraph on one embedded broker, products played by the test:
the event contracts between them hold in both directions (charge, decline, cancel + refund)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest

from streaming.broker import EmbeddedBroker
from streaming.events import Envelope, InventoryReserved, OrderCreated, StockLine
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from streaming.topics import ALL_TOPICS, ORDERS, PAYMENTS
from tests.streaming.harness import consume_events, eventually, settings_for
from tests.subgraphs.orders.harness import ADA, FAST_RETRY, Harness, open_harness
from tests.subgraphs.payments.harness import Harness as Payments
from tests.subgraphs.payments.harness import open_harness as open_payments

pytestmark = pytest.mark.integration
CANCEL = "mutation($id: ID!) { cancelOrder(id: $id) { status } }"


@asynccontextmanager
async def saga(database_url: str, payments_db: str, kafka: KafkaSettings,
               ) -> AsyncIterator[tuple[Harness, Payments]]:
    async with AsyncExitStack() as stack:
        orders = await stack.enter_async_context(
            open_harness(database_url, kafka=kafka, retry=FAST_RETRY))
        payments = await stack.enter_async_context(
            open_payments(payments_db, kafka=kafka, retry=FAST_RETRY))
        yield orders, payments


async def reserve(kafka: KafkaSettings, order_id: str) -> None:
    """Play products: read the order's OrderCreated and answer InventoryReserved."""
    created = await _created(kafka, order_id)
    payload: OrderCreated = created.payload  # type: ignore[assignment]
    reserved = InventoryReserved(
        order_id=payload.order_id, user_id=payload.user_id, total=payload.total,
        payment_method=payload.payment_method,
        items=[StockLine(product_id=i.product_id, quantity=i.quantity) for i in payload.items],
    )
    async with EventProducer(kafka) as producer:
        await producer.ensure_topics(ALL_TOPICS)
        await producer.publish(Envelope.wrap(reserved, cause=created))


async def _created(kafka: KafkaSettings, order_id: str) -> Envelope:
    for count in range(1, 20):
        for event in await consume_events(kafka, ORDERS, count, within=20):
            if event.key == order_id and event.type == "OrderCreated":
                return event
    raise AssertionError(f"no OrderCreated for {order_id}")


async def settles(orders: Harness, order_id: str, status: str) -> dict:
    async def reached() -> bool:
        return (await orders.order(order_id))["status"] == status

    await eventually(reached, within=30)
    return await orders.order(order_id)


@pytest.mark.parametrize(("method", "status", "reason"), [
    ("pm_card_visa", "PAID", None),
    ("pm_card_chargeDeclined", "PAYMENT_FAILED", "card_declined"),
], ids=["charged", "declined"])
async def test_a_reserved_order_is_charged_by_payments_and_settles(
    database_url: str, tmp_path: Path, fresh_broker: EmbeddedBroker,
    method: str, status: str, reason: str | None,
) -> None:
    kafka = settings_for(fresh_broker)
    async with saga(database_url, f"sqlite+aiosqlite:///{tmp_path}/p.db", kafka) as (orders, _):
        # given an order checked out with `method`, and its stock reserved
        orders.price("p-1", "Mug", 1250)
        orders.fill_cart(ADA, ("p-1", 2))
        order = await orders.checkout(ADA, method)
        await reserve(kafka, order["id"])
        # when payments charges, then the order settles with the provider's answer
        settled = await settles(orders, order["id"], status)
        assert settled["statusHistory"][-1]["reason"] == reason


async def test_cancelling_a_paid_order_makes_payments_refund_it_once(
    database_url: str, tmp_path: Path, fresh_broker: EmbeddedBroker,
) -> None:
    kafka = settings_for(fresh_broker)
    async with saga(database_url, f"sqlite+aiosqlite:///{tmp_path}/p.db", kafka) as (
            orders, payments):
        # given a PAID order
        order = await orders.place()
        await reserve(kafka, order["id"])
        await settles(orders, order["id"], "PAID")
        # when its owner cancels it
        assert (await orders.ok(CANCEL, {"id": order["id"]}, user=ADA))["status"] == "CANCELLED"

        # then payments refunds it, once, and orders is left CANCELLED
        async def refunded() -> bool:
            return await payments.refunds() == 1

        await eventually(refunded, within=30)
        events = await consume_events(kafka, PAYMENTS, 2, within=20, settle=1.0)
        assert [e.type for e in events if e.key == order["id"]] == [
            "PaymentProcessed", "PaymentRefunded"]
        assert (await orders.order(order["id"]))["status"] == "CANCELLED"
