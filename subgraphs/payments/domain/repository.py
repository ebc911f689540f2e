"""All SQL of the payments database: payments by id or order, cancelled orders, order locks.

The hot paths (a reservation's charge, the gateway's reads of an order's payment) use Core
statements mapped straight to :class:`PaymentRecord`, without ORM objects; the paths that change
a stored payment (refunds, webhooks) load the ORM ``Payment`` and flush it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, exists, insert, literal_column, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.payments.domain.models import CancelledOrder, Payment, WebhookEvent
from subgraphs.payments.domain.records import PaymentRecord, PaymentStatus

__all__ = ["PaymentRepository"]

PAYMENTS: Table = Payment.__table__  # type: ignore[assignment]
CANCELLED: Table = CancelledOrder.__table__  # type: ignore[assignment]
# The hot statements are built once and take their values as parameters: nothing to coerce,
# no cache key to compute per call.
_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_OF_ORDERS = select(*PAYMENTS.columns).where(
    PAYMENTS.c.order_id.in_(bindparam("order_ids", expanding=True)))
_OF_IDS = select(*PAYMENTS.columns).where(PAYMENTS.c.id.in_(bindparam("ids", expanding=True)))
_CANCELLED = select(CANCELLED.c.order_id).where(CANCELLED.c.order_id == bindparam("order_id"))
# A charge's whole question in one SELECT: the order's payment (NULLs when none, through the
# outer join from one constant row) and whether the order was cancelled.
_ONE = select(literal_column("1").label("one")).subquery("one")
_SETTLEMENT = select(
    exists(_CANCELLED).label("order_cancelled"), *PAYMENTS.columns,
).select_from(_ONE.outerjoin(PAYMENTS, PAYMENTS.c.order_id == bindparam("order_id")))
_INSERT = insert(PAYMENTS)


class PaymentRepository:
    """Stateless; every method works inside the caller's session and transaction."""

    async def lock_order(self, session: AsyncSession, order_id: str) -> None:
        """Serialise this transaction with any other touching the same order until it ends.

        PostgreSQL: a transaction-scoped advisory lock (a charge and a cancellation of one order
        may run at once on two consumers). SQLite: nothing to do, its single writer lock is
        already held since the inbox row was written.
        """
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(_LOCK, {"k": _lock_key(order_id)})

    async def by_order(self, session: AsyncSession, order_id: str) -> Payment | None:
        """The order's payment as an ORM object, for changing it (refunds, webhooks)."""
        return await session.scalar(select(Payment).where(Payment.order_id == order_id))

    async def settlement_state(
        self, session: AsyncSession, order_id: str
    ) -> tuple[PaymentRecord | None, bool]:
        """The order's payment (a record, None when there is none) and whether the order was
        cancelled, in one SELECT: what a charge decides on, once the order is locked."""
        row = (await session.execute(_SETTLEMENT, {"order_id": order_id})).one()
        values = row._asdict()
        cancelled = bool(values.pop("order_cancelled"))
        return (None if values["id"] is None else _from_values(values)), cancelled

    async def by_orders(
        self, session: AsyncSession, order_ids: Sequence[str]
    ) -> dict[str, PaymentRecord]:
        """Payments of these orders in one SELECT, keyed by order id."""
        if not order_ids:
            return {}
        rows = await session.execute(_OF_ORDERS, {"order_ids": list(set(order_ids))})
        return {row.order_id: _record(row) for row in rows}

    async def get_many(
        self, session: AsyncSession, ids: Sequence[str]
    ) -> dict[str, PaymentRecord]:
        """Payments by id in one SELECT; unknown ids are absent."""
        if not ids:
            return {}
        rows = await session.execute(_OF_IDS, {"ids": list(set(ids))})
        return {row.id: _record(row) for row in rows}

    async def add(self, session: AsyncSession, payment: PaymentRecord) -> None:
        """Insert; the unique order_id refuses a second payment for one order."""
        values = {column.name: getattr(payment, column.name) for column in PAYMENTS.columns}
        await session.execute(_INSERT, values)

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


def _record(row: Row[Any]) -> PaymentRecord:
    return _from_values(row._asdict())


def _from_values(values: dict[str, Any]) -> PaymentRecord:
    return PaymentRecord(**{**values, "status": PaymentStatus(values["status"])})


def _lock_key(order_id: str) -> int:
    # pg_advisory_xact_lock takes a signed 64-bit key; a stable hash of the order id.
    return int.from_bytes(hashlib.sha256(order_id.encode()).digest()[:8], "big", signed=True)
