"""The inventory events the domain writes to its outbox, in the caller's open transaction."""

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
from streaming.outbox import enqueue
from subgraphs.products.domain.models import OUTBOX

__all__ = ["Saga", "reservation_failed", "reserved", "stock_updated"]


class Saga:
    """Where a new event belongs: caused by ``cause``, or joining saga ``correlation_id``."""

    def __init__(self, cause: Envelope | None = None, correlation_id: str | None = None) -> None:
        self.cause = cause
        self.correlation_id = correlation_id or (cause.correlation_id if cause else None)

    async def emit(self, session: AsyncSession, payload: EventPayload) -> None:
        event = Envelope.wrap(payload, cause=self.cause, correlation_id=self.correlation_id)
        await enqueue(session, event, table=OUTBOX)


async def stock_updated(
    session: AsyncSession, saga: Saga, product_id: str, stock: int, delta: int, reason: str,
    order_id: str | None = None,
) -> None:
    """A product's available stock is now ``stock`` after ``delta`` (reserved, released...)."""
    payload = InventoryUpdated(
        product_id=product_id, stock=stock, delta=delta, reason=reason, order_id=order_id
    )
    await saga.emit(session, payload)


async def reserved(
    session: AsyncSession, saga: Saga, order: OrderCreated, lines: Sequence[StockLine],
    expires_at: datetime,
) -> None:
    """Every line of ``order`` is held until ``expires_at``; payments charges next."""
    payload = InventoryReserved(
        order_id=order.order_id, user_id=order.user_id, items=list(lines), total=order.total,
        payment_method=order.payment_method, expires_at=expires_at,
    )
    await saga.emit(session, payload)


async def reservation_failed(
    session: AsyncSession, saga: Saga, order_id: str, user_id: str, reason: str,
    shortages: Sequence[Shortage] = (),
) -> None:
    """Nothing is (any longer) held for the order; orders cancels it, payments refunds."""
    payload = InventoryReservationFailed(
        order_id=order_id, user_id=user_id, reason=reason, shortages=list(shortages)
    )
    await saga.emit(session, payload)
