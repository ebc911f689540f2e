"""What consumed events do to orders, and which events orders writes through the outbox."""

from __future__ import annotations

import uuid

import pytest

from streaming.events import Envelope, InventoryReserved, Money, OrderStatus, StockLine
from subgraphs.orders.domain.models import OrderStatusChange
from tests.subgraphs.orders.harness import (
    ADA,
    ADMIN,
    ORDER_FIELDS,
    Harness,
    codes_of,
    paid,
    reservation_failed,
)

SHIP = "mutation($id: ID!, $t: String!) { shipOrder(id: $id, trackingNumber: $t) { status " \
       "trackingNumber } }"
CANCEL = "mutation($id: ID!) { cancelOrder(id: $id) { status cancellationReason } }"


async def test_a_redelivered_payment_moves_the_order_once(app: Harness) -> None:
    # given a PENDING order and its PaymentProcessed
    order = await app.place()
    event = paid(order)
    # when the same event arrives twice (the inbox) and a twin with a new id once more
    await app.deliver(event)
    await app.deliver(event)
    await app.deliver(paid(order))
    # then the order moved once: one new history row, one OrderStatusChanged
    after = await app.order(order["id"])
    assert after["status"] == "PAID"
    assert [h["status"] for h in after["statusHistory"]] == ["PENDING", "PAID"]
    assert await app.count(OrderStatusChange) == 2
    assert len(await app.published("OrderStatusChanged")) == 1


async def test_a_failed_reservation_cancels_with_its_reason_and_releases_nothing_twice(
    app: Harness,
) -> None:
    order = await app.place()
    event = reservation_failed(order, "insufficient stock for p-1")
    await app.deliver(event)
    after = await app.order(order["id"])
    assert after["status"] == "CANCELLED"
    assert after["cancellationReason"] == "insufficient stock for p-1"
    assert after["statusHistory"][-1]["reason"] == "insufficient stock for p-1"
    [cancelled] = await app.published("OrderCancelled")
    assert cancelled.payload.reason == "insufficient stock for p-1"
    assert cancelled.correlation_id == event.correlation_id  # one saga, one correlation id
    assert cancelled.traceparent.split("-")[1] == event.traceparent.split("-")[1]


async def test_a_paid_order_whose_reservation_expired_is_cancelled_for_a_refund(
    app: Harness,
) -> None:
    order = await app.reach("PAID")
    await app.deliver(reservation_failed(order, "reservation expired"))
    after = await app.order(order["id"])
    assert (after["status"], after["cancellationReason"]) == ("CANCELLED", "reservation expired")
    [cancelled] = await app.published("OrderCancelled")
    assert cancelled.payload.order_id == order["id"]


async def test_a_declined_payment_fails_the_order_with_the_decline_code(app: Harness) -> None:
    order = await app.place()
    await app.deliver(paid(order, succeeded=False, reason="insufficient_funds"))
    after = await app.order(order["id"])
    assert after["status"] == "PAYMENT_FAILED"
    assert after["statusHistory"][-1]["reason"] == "insufficient_funds"
    [changed] = await app.published("OrderStatusChanged")
    assert changed.payload.reason == "insufficient_funds"


async def test_a_payment_arriving_after_the_order_was_cancelled_is_ignored(app: Harness) -> None:
    order = await app.reach("CANCELLED")
    events_before = len(await app.published())
    await app.deliver(paid(order))
    assert (await app.order(order["id"]))["status"] == "CANCELLED"
    assert len(await app.published()) == events_before


async def test_events_about_unknown_orders_and_other_event_types_are_ignored(
    app: Harness,
) -> None:
    await app.deliver(paid({"id": "no-such-order", "user": {"id": ADA.id},
                            "total": {"amount": 1, "currency": "USD"}}))
    await app.deliver(Envelope.wrap(InventoryReserved(
        order_id=str(uuid.uuid4()), user_id=ADA.id, items=[StockLine(product_id="p", quantity=1)],
        total=Money(amount=1, currency="USD"), payment_method="pm_card_visa")))
    assert await app.published() == []


async def test_the_owner_cancels_and_orders_announces_it_for_stock_and_refund(
    app: Harness,
) -> None:
    order = await app.reach("PAID")
    result = await app.ok(CANCEL, {"id": order["id"]}, user=ADA)
    assert result == {"status": "CANCELLED", "cancellationReason": "cancelled by customer"}
    [cancelled] = await app.published("OrderCancelled")
    assert (cancelled.payload.user_id, cancelled.payload.reason) == (
        ADA.id, "cancelled by customer")


async def test_an_admin_may_cancel_any_order(app: Harness) -> None:
    order = await app.place()
    result = await app.ok(CANCEL, {"id": order["id"]}, user=ADMIN)
    assert result["cancellationReason"] == "cancelled by admin"


async def test_shipping_sets_the_tracking_number_and_announces_order_shipped(
    app: Harness,
) -> None:
    order = await app.reach("PAID")
    shipped = await app.ok(SHIP, {"id": order["id"], "t": " 1Z999AA10123456784 "}, user=ADMIN)
    assert shipped == {"status": "SHIPPED", "trackingNumber": "1Z999AA10123456784"}
    [event] = await app.published("OrderShipped")
    assert event.payload.tracking_number == "1Z999AA10123456784"
    statuses = [e.payload.status for e in await app.published("OrderStatusChanged")]
    assert statuses == [OrderStatus.PAID, OrderStatus.SHIPPED]


async def test_a_blank_tracking_number_is_bad_user_input(app: Harness) -> None:
    order = await app.reach("PAID")
    result = await app.gql(SHIP, {"id": order["id"], "t": "  "}, user=ADMIN)
    assert codes_of(result) == ["BAD_USER_INPUT"]
    assert (await app.order(order["id"]))["status"] == "PAID"


async def test_shipping_an_unknown_order_is_not_found(app: Harness) -> None:
    result = await app.gql(SHIP, {"id": "nope", "t": "1Z"}, user=ADMIN)
    assert codes_of(result) == ["NOT_FOUND"]


@pytest.mark.parametrize("action", ["cancel", "ship"])
async def test_a_moves_answer_is_the_order_as_stored(app: Harness, action: str) -> None:
    # given a PAID order (the answer of a move is built from what it wrote, not read)
    order = await app.reach("PAID")
    whole = f"{ORDER_FIELDS} updatedAt"
    mutation = {
        "cancel": (f"mutation($id: ID!) {{ cancelOrder(id: $id) {{ {whole} }} }}", ADA),
        "ship": (f'mutation($id: ID!) {{ shipOrder(id: $id, trackingNumber: "1Z9") '
                 f"{{ {whole} }} }}", ADMIN),
    }
    query, who = mutation[action]
    # when it is cancelled or shipped
    moved = await app.ok(query, {"id": order["id"]}, user=who)
    # then the answer is field for field the order read back
    stored = await app.ok(f"query($id: ID!) {{ order(id: $id) {{ {whole} }} }}",
                          {"id": order["id"]}, user=ADMIN)
    assert moved == stored
    assert [h["status"] for h in moved["statusHistory"]][-1] in ("CANCELLED", "SHIPPED")
