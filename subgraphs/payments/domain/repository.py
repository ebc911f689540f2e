"""All SQL of the payments database: payments by id or order, cancelled orders, order locks."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.payments.domain.models import CancelledOrder, Payment, WebhookEvent

__all__ = ["PaymentRepository"]


class PaymentRepository:
    """Stateless; every method works inside the caller's session and transaction."""

    async def lock_order(self, session: AsyncSession, order_id: str) -> None:
        """Serialise this transaction with any other touching the same order until it ends.

        PostgreSQL: a transaction-scoped advisory lock (a charge and a cancellation of one order
        may run at once on two consumers). SQLite: nothing to do, its single writer lock is
        already held since the inbox row was written.
        """
        if session.get_bind().dialect.name == "postgresql":
            lock = text("SELECT pg_advisory_xact_lock(:k)")
            await session.execute(lock, {"k": _lock_key(order_id)})

    async def by_order(self, session: AsyncSession, order_id: str) -> Payment | None:
        return await session.scalar(select(Payment).where(Payment.order_id == order_id))

    async def by_orders(
        self, session: AsyncSession, order_ids: Sequence[str]
    ) -> dict[str, Payment]:
        """Payments of these orders in one SELECT, keyed by order id."""
        if not order_ids:
            return {}
        rows = await session.scalars(select(Payment).where(Payment.order_id.in_(set(order_ids))))
        return {row.order_id: row for row in rows}

    async def get_many(self, session: AsyncSession, ids: Sequence[str]) -> dict[str, Payment]:
        """Payments by id in one SELECT; unknown ids are absent."""
        if not ids:
            return {}
        rows = await session.scalars(select(Payment).where(Payment.id.in_(set(ids))))
        return {row.id: row for row in rows}

    async def add(self, session: AsyncSession, payment: Payment) -> Payment:
        """Insert; the unique order_id refuses a second payment for one order."""
        session.add(payment)
        await session.flush()
        return payment

    async def is_cancelled(self, session: AsyncSession, order_id: str) -> bool:
        return await self.cancellation(session, order_id) is not None

    async def cancellation(self, session: AsyncSession, order_id: str) -> CancelledOrder | None:
        return await session.get(CancelledOrder, order_id)

    async def record_cancelled(
        self, session: AsyncSession, order_id: str, reason: str, at: datetime
    ) -> None:
        """Remember the cancellation once; a second one for the same order changes nothing."""
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        values = {"order_id": order_id, "reason": reason, "cancelled_at": at}
        await session.execute(insert(CancelledOrder).values(**values).on_conflict_do_nothing())

    async def webhook_event(self, session: AsyncSession, event_id: str) -> WebhookEvent | None:
        return await session.get(WebhookEvent, event_id)

    async def add_webhook_event(self, session: AsyncSession, event: WebhookEvent) -> None:
        """Insert; the primary key refuses a second row for one event id."""
        session.add(event)
        await session.flush()


def _lock_key(order_id: str) -> int:
    # pg_advisory_xact_lock takes a signed 64-bit key; a stable hash of the order id.
    return int.from_bytes(hashlib.sha256(order_id.encode()).digest()[:8], "big", signed=True)
