"""Sample payloads of every contract, shared by the streaming tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streaming.events import (
    EmailVerificationRequested,
    EventPayload,
    InventoryReservationFailed,
    InventoryReserved,
    InventoryUpdated,
    Money,
    OrderCancelled,
    OrderCreated,
    OrderItem,
    OrderShipped,
    OrderStatus,
    OrderStatusChanged,
    PasswordResetRequested,
    PaymentProcessed,
    PaymentRefunded,
    PaymentStatus,
    Shortage,
    StockLine,
    UserRegistered,
)

EUR = "EUR"


def order_created(order_id: str = "order-1", user_id: str = "user-1") -> OrderCreated:
    line = OrderItem(product_id="p-1", quantity=2, unit_price=Money(amount=1999, currency=EUR))
    return OrderCreated(
        order_id=order_id,
        user_id=user_id,
        items=[line],
        total=Money(amount=3998, currency=EUR),
        payment_method="pm_card_visa",
    )


def every_payload() -> list[EventPayload]:
    """One valid payload of every registered contract."""
    money = Money(amount=3998, currency=EUR)
    lines = [StockLine(product_id="p-1", quantity=2)]
    return [
        UserRegistered(user_id="user-1", email="a@example.com", full_name="Ada", phone="+4411"),
        PasswordResetRequested(user_id="user-1", token="t0k3n",
                               expires_at=datetime.now(UTC) + timedelta(minutes=30)),
        EmailVerificationRequested(user_id="user-1", email="a@example.com", token="t0k3n",
                                   expires_at=datetime.now(UTC) + timedelta(hours=24)),
        order_created(),
        InventoryReserved(
            order_id="order-1",
            user_id="user-1",
            items=lines,
            total=money,
            payment_method="pm_card_visa",
            expires_at=datetime.now(UTC) + timedelta(minutes=15),
        ),
        InventoryReservationFailed(
            order_id="order-1",
            user_id="user-1",
            reason="insufficient stock",
            shortages=[Shortage(product_id="p-1", quantity=2, available=1)],
        ),
        PaymentProcessed(
            payment_id="pay-1",
            order_id="order-1",
            user_id="user-1",
            amount=money,
            status=PaymentStatus.SUCCEEDED,
            payment_method="pm_card_visa",
            transaction_id="tx-1",
        ),
        PaymentRefunded(
            payment_id="pay-1", order_id="order-1", user_id="user-1", amount=money, reason="expired"
        ),
        OrderStatusChanged(
            order_id="order-1",
            user_id="user-1",
            previous_status=OrderStatus.PENDING,
            status=OrderStatus.PAID,
        ),
        OrderShipped(order_id="order-1", user_id="user-1", tracking_number="TRACK-1"),
        OrderCancelled(order_id="order-1", user_id="user-1", reason="customer request"),
        InventoryUpdated(
            product_id="p-1", stock=8, delta=-2, reason="reserved", order_id="order-1"
        ),
    ]
