"""Events of the order aggregate (topic ``orders``, key = order id)."""

from __future__ import annotations

from pydantic import Field

from streaming.events.contract import EventPayload, Money, OrderItem, OrderStatus
from streaming.events.registry import register
from streaming.topics import ORDERS

__all__ = ["OrderCancelled", "OrderCreated", "OrderEvent", "OrderShipped", "OrderStatusChanged"]


class OrderEvent(EventPayload):
    """Common shape: every order event names its order and the order's owner."""

    topic = ORDERS
    key_field = "order_id"

    order_id: str
    user_id: str


@register
class OrderCreated(OrderEvent):
    """Checkout snapshotted the cart into a PENDING order; the saga starts here."""

    event_type = "OrderCreated"

    items: list[OrderItem] = Field(min_length=1)
    total: Money
    payment_method: str
    # The cart snapshotted, so cart clears exactly that version (items added later survive).
    cart_id: str | None = None
    cart_version: int | None = None


@register
class OrderStatusChanged(OrderEvent):
    """The order moved from one state of the order state machine to another."""

    event_type = "OrderStatusChanged"

    previous_status: OrderStatus | None
    status: OrderStatus
    reason: str | None = None


@register
class OrderShipped(OrderEvent):
    """An admin shipped a PAID order."""

    event_type = "OrderShipped"

    tracking_number: str


@register
class OrderCancelled(OrderEvent):
    """The order was cancelled (by its owner, by expiry, or after a late reservation)."""

    event_type = "OrderCancelled"

    reason: str
