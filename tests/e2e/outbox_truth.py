"""Ground truth for one order from orders' own database: its row and its outbox rows."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from streaming.events import OrderStatusChanged, decode

__all__ = ["OutboxRow", "order_status", "status_rows"]


@dataclass(frozen=True)
class OutboxRow:
    """One ``OrderStatusChanged`` row of orders' outbox: its status and whether it left."""

    status: str
    published: bool


async def status_rows(dsn: str, order_id: str) -> list[OutboxRow]:
    """The order's ``OrderStatusChanged`` outbox rows, in the order they were written."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT value, published_at FROM outbox WHERE key = $1 AND event_type = $2 "
            "ORDER BY id", order_id, "OrderStatusChanged")
    finally:
        await connection.close()
    found = []
    for row in rows:
        payload = decode(bytes(row["value"])).payload
        assert isinstance(payload, OrderStatusChanged)
        found.append(OutboxRow(payload.status.value, row["published_at"] is not None))
    return found


async def order_status(dsn: str, order_id: str) -> str:
    """The status in the order's own row."""
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval("SELECT status FROM orders WHERE id = $1", order_id))
    finally:
        await connection.close()
