"""The inventory events the domain writes to its outbox, in the caller's open transaction:
payloads built here, enqueued together by :meth:`Saga.emit`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import (
    Envelope,
    EventPayload,
    InventoryReservationFailed,
    InventoryReserved,
    InventoryUpdated,
    OrderCreated,
    Shortage,
    StockLine,
)
from streaming.outbox import enqueue_all
from subgraphs.products.domain.models import OUTBOX

__all__ = ["Saga", "reservation_failed", "reserved", "stock_updated"]


class Saga:
    """Where a new event belongs: caused by ``cause``, or joining saga ``correlation_id``."""

    def __init__(self, cause: Envelope | None = None, correlation_id: str | None = None) -> None:
        self.cause = cause
        self.correlation_id = correlation_id or (cause.correlation_id if cause else None)

    async def emit(self, session: AsyncSession, *payloads: EventPayload) -> None:
        """Enqueue ``payloads`` in this order, all in one ``INSERT`` (a reservation writes one
        InventoryUpdated per product and InventoryReserved: one round trip, not N + 1)."""
        events = [Envelope.wrap(payload, cause=self.cause, correlation_id=self.correlation_id)
                  for payload in payloads]
        await enqueue_all(session, events, table=OUTBOX)


def stock_updated(
    product_id: str, stock: int, delta: int, reason: str, order_id: str | None = None
) -> InventoryUpdated:
    """A product's available stock is now ``stock`` after ``delta`` (reserved, released...)."""
    return InventoryUpdated(
        product_id=product_id, stock=stock, delta=delta, reason=reason, order_id=order_id
    )


def reserved(
    order: OrderCreated, lines: Sequence[StockLine], expires_at: datetime
) -> InventoryReserved:
    """Every line of ``order`` is held until ``expires_at``; payments charges next."""
    return InventoryReserved(
        order_id=order.order_id, user_id=order.user_id, items=list(lines), total=order.total,
        payment_method=order.payment_method, expires_at=expires_at,
    )


def reservation_failed(
    order_id: str, user_id: str, reason: str, shortages: Sequence[Shortage] = ()
) -> InventoryReservationFailed:
    """Nothing is (any longer) held for the order; orders cancels it, payments refunds."""
    return InventoryReservationFailed(
        order_id=order_id, user_id=user_id, reason=reason, shortages=list(shortages)
    )
