"""All SQL of reservations: recording them and moving them between states atomically."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.products.domain.models import Reservation, ReservationStatus

__all__ = ["Held", "ReservationRepository"]

RESERVATIONS: Table = Reservation.__table__  # type: ignore[assignment]
_KNOWN = select(RESERVATIONS.c.id).where(RESERVATIONS.c.order_id == bindparam("order_id")).limit(1)
_INSERT = insert(RESERVATIONS)
_COLUMNS = ["order_id", "user_id", "product_id", "quantity", "status", "expires_at",
            "correlation_id", "created_at", "updated_at"]
# One row, unless the order already has one: the claim and the insert in one statement.
_CLAIM_ONE = (
    insert(RESERVATIONS)
    .from_select(_COLUMNS, select(*(bindparam(name, type_=RESERVATIONS.c[name].type)
                                    for name in _COLUMNS))
                 .where(~exists(_KNOWN)))
    .returning(RESERVATIONS.c.id)
)


@dataclass(frozen=True, slots=True)
class Held:
    """One reservation row that a transition just moved: what to give back, and to whom."""

    product_id: str
    quantity: int
    user_id: str
    correlation_id: str


class ReservationRepository:
    """Stateless; every method works inside the caller's session and transaction."""

    async def for_order(self, session: AsyncSession, order_id: str) -> list[Reservation]:
        statement = select(Reservation).where(Reservation.order_id == order_id)
        return list(await session.scalars(statement.execution_options(populate_existing=True)))

    async def known_order(self, session: AsyncSession, order_id: str) -> bool:
        """Whether any reservation row (in any status) exists for the order."""
        return (await session.execute(_KNOWN, {"order_id": order_id})).first() is not None

    async def claim(self, session: AsyncSession, order_id: str,
                    rows: Sequence[dict[str, Any]]) -> bool:
        """Insert the order's rows unless it has any already (in any status); False, inserting
        nothing, when it has. A concurrent duplicate is refused by the unique (order, product)
        pair, as with ``add``."""
        if len(rows) != 1:  # several (or no) rows: the check, then one multi-row INSERT
            if await self.known_order(session, order_id):
                return False
            await self.add(session, rows)
            return True
        result = await session.execute(_CLAIM_ONE, dict(rows[0]))
        return result.first() is not None

    async def add(self, session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
        """Insert these column values in one statement; the unique (order, product) pair
        refuses a concurrent duplicate."""
        if rows:
            await session.execute(_INSERT, list(rows))

    async def transition(
        self, session: AsyncSession, order_id: str, sources: Collection[ReservationStatus],
        target: ReservationStatus, now: datetime, *, due: bool = False,
    ) -> list[Held]:
        """Move the order's rows in ``sources`` (and past ``expires_at`` when ``due``) to
        ``target`` in one statement; returns the rows moved.

        The status test in the WHERE clause is the claim: on PostgreSQL a second transaction
        moving the same rows waits for the first, re-reads them, and finds nothing left to move,
        so a late or duplicated event can never give the same units back twice.
        """
        table = RESERVATIONS  # a Core UPDATE: no ORM objects to synchronise
        where = [table.c.order_id == order_id, table.c.status.in_(list(sources))]
        if due:
            where.append(table.c.expires_at <= now)
        statement = (
            update(table).where(*where).values(status=target, updated_at=now)
            .returning(table.c.product_id, table.c.quantity, table.c.user_id,
                       table.c.correlation_id)
        )
        rows = (await session.execute(statement)).all()
        return sorted((Held(*row) for row in rows), key=lambda held: held.product_id)

    async def due_orders(self, session: AsyncSession, now: datetime, limit: int) -> list[str]:
        """Orders holding RESERVED rows whose time ran out, oldest deadline first."""
        statement = (
            select(Reservation.order_id)
            .where(Reservation.status == ReservationStatus.RESERVED, Reservation.expires_at <= now)
            .group_by(Reservation.order_id)
            .order_by(func.min(Reservation.expires_at))
            .limit(limit)
        )
        return list(await session.scalars(statement))
