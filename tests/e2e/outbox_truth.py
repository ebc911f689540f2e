"""Ground truth for one order from orders' own database: its row and its outbox rows."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from streaming.events import OrderStatusChanged, decode

__all__ = ["OutboxRow", "order_status", "outbox_rows"]


@dataclass(frozen=True)
class OutboxRow:
    """One row of orders' outbox: its event, the status it announces (``OrderStatusChanged``
    only) and whether the relay published it."""

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
        status = payload.status.value if isinstance(payload, OrderStatusChanged) else None
        found.append(OutboxRow(row["event_type"], status, row["published_at"] is not None))
    return found


async def order_status(dsn: str, order_id: str) -> str:
    """The status in the order's own row."""
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval("SELECT status FROM orders WHERE id = $1", order_id))
    finally:
        await connection.close()
