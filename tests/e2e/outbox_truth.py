"""Ground truth for one order from a service's own database: its outbox rows, the order's row
(orders) and its payment's row (payments)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from streaming.events import EventPayload, OrderStatusChanged, PaymentProcessed, decode

__all__ = ["OutboxRow", "order_status", "outbox_rows", "payment_status"]


@dataclass(frozen=True)
class OutboxRow:
    """One row of a service's outbox (keyed by order id): its event, the status it announces
    (``OrderStatusChanged`` and ``PaymentProcessed`` only) and whether the relay published it."""

    event: str
    status: str | None
    published: bool


async def outbox_rows(dsn: str, order_id: str) -> list[OutboxRow]:
    """The order's outbox rows, in the order they were written."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT event_type, value, published_at FROM outbox WHERE key = $1 ORDER BY id",
            order_id)
    finally:
        await connection.close()
    found = []
    for row in rows:
        payload = decode(bytes(row["value"])).payload
        found.append(OutboxRow(row["event_type"], _announced(payload),
                               row["published_at"] is not None))
    return found


def _announced(payload: EventPayload) -> str | None:
    if isinstance(payload, OrderStatusChanged | PaymentProcessed):
        return str(payload.status.value)
    return None


async def order_status(dsn: str, order_id: str) -> str:
    """The status in the order's own row (orders' database)."""
    return await _status(dsn, "SELECT status FROM orders WHERE id = $1", order_id)


async def payment_status(dsn: str, order_id: str) -> str:
    """The status in the order's payment row (payments' database)."""
    return await _status(dsn, "SELECT status FROM payments WHERE order_id = $1", order_id)


async def _status(dsn: str, query: str, order_id: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval(query, order_id))
    finally:
        await connection.close()
