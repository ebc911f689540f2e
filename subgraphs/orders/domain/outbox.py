"""Order events leave the domain here: enqueued in the outbox in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from common.telemetry.context import correlation_id
from streaming.events import (
    Envelope,
    EventPayload,
    Money,
    OrderCancelled,
    OrderCreated,
    OrderItem,
    OrderShipped,
    OrderStatus,
    OrderStatusChanged,
)
from streaming.outbox import enqueue_all
from subgraphs.orders.domain.models import OUTBOX
from subgraphs.orders.domain.records import OrderRecord

__all__ = ["moved", "order_created"]


async def order_created(session: AsyncSession, order: OrderRecord) -> None:
    """``OrderCreated`` with the snapshotted lines and the cart version bought."""
    items = [
        OrderItem(product_id=line.product_id, quantity=line.quantity,
                  unit_price=Money(amount=line.unit_amount, currency=line.currency))
        for line in order.lines
    ]
    payload = OrderCreated(
        order_id=order.id, user_id=order.user_id, items=items,
        total=Money(amount=order.total_amount, currency=order.currency),
        payment_method=order.payment_method, cart_id=order.cart_id,
        cart_version=order.cart_version,
    )
    await _enqueue(session, [payload], None)


async def moved(
    session: AsyncSession, order: OrderRecord, previous: OrderStatus, reason: str | None,
    cause: Envelope | None,
) -> None:
    """The events of a move into ``order.status``: ``OrderStatusChanged``, then
    ``OrderCancelled`` (products releases the stock, payments refunds a charge it made) or
    ``OrderShipped``; one ``INSERT`` for all of them."""
    payloads: list[EventPayload] = [OrderStatusChanged(
        order_id=order.id, user_id=order.user_id, previous_status=previous, status=order.status,
        reason=reason)]
    if order.status is OrderStatus.CANCELLED:
        payloads.append(OrderCancelled(order_id=order.id, user_id=order.user_id,
                                       reason=reason or "cancelled"))
    if order.status is OrderStatus.SHIPPED:
        assert order.tracking_number is not None  # shipping sets it
        payloads.append(OrderShipped(order_id=order.id, user_id=order.user_id,
                                     tracking_number=order.tracking_number))
    await _enqueue(session, payloads, cause)


async def _enqueue(
    session: AsyncSession, payloads: list[EventPayload], cause: Envelope | None
) -> None:
    # An event caused by another keeps the saga's correlation id and trace; one caused by a
    # request takes the request's correlation id (common.telemetry.context), so logs and
    # events line up.
    correlation = None if cause is not None else correlation_id.get()
    events = [Envelope.wrap(payload, cause=cause, correlation_id=correlation)
              for payload in payloads]
    await enqueue_all(session, events, table=OUTBOX)
