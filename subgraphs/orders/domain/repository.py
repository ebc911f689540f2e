"""All SQL of the orders database: orders with their lines and history, pages, expiry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from streaming.events import OrderStatus
from subgraphs.orders.domain.models import Order, OrderItem, OrderStatusChange

__all__ = ["OrderRepository"]

_WHOLE = (selectinload(Order.items), selectinload(Order.history))


class OrderRepository:
    """Stateless; every method works inside the caller's session and transaction."""

    async def get(
        self, session: AsyncSession, order_id: str, *, lock: bool = False
    ) -> Order | None:
        """The whole order; ``lock`` holds its row until the transaction ends (PostgreSQL;
        SQLite has one writer, and ``row_version`` catches what slips through)."""
        query = select(Order).options(*_WHOLE).where(Order.id == order_id)
        if lock:
            query = query.with_for_update()
        return await session.scalar(query.execution_options(populate_existing=True))

    async def get_many(self, session: AsyncSession, ids: Sequence[str]) -> dict[str, Order]:
        """Whole orders by id in one SELECT (plus one per collection); unknown ids are absent."""
        if not ids:
            return {}
        rows = await session.scalars(select(Order).options(*_WHOLE).where(Order.id.in_(set(ids))))
        return {row.id: row for row in rows}

    async def by_checkout(
        self, session: AsyncSession, user_id: str, cart_id: str, cart_version: int
    ) -> Order | None:
        """The order already placed for this version of this user's cart, if any."""
        query = select(Order).options(*_WHOLE).where(
            Order.user_id == user_id, Order.cart_id == cart_id, Order.cart_version == cart_version
        )
        return await session.scalar(query)

    async def insert_checkout(
        self, session: AsyncSession, order: dict[str, object],
        items: Sequence[OrderItem], first: OrderStatusChange,
    ) -> bool:
        """Insert the order row unless its cart version was bought already (then False, and
        nothing is written). ON CONFLICT DO NOTHING waits for a concurrent insert of the same
        key to commit, so ten simultaneous checkouts of one cart write one order."""
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(Order).values(**order).on_conflict_do_nothing(
            index_elements=["user_id", "cart_id", "cart_version"]
        )
        if (await session.execute(statement)).rowcount != 1:
            return False
        session.add_all([*items, first])
        await session.flush()
        return True

    async def page(
        self, session: AsyncSession, user_id: str, limit: int,
        after: tuple[datetime, str] | None,
    ) -> list[Order]:
        """Up to ``limit`` of the user's orders, newest first (ties by id), after ``after``."""
        query = select(Order).options(*_WHOLE).where(Order.user_id == user_id)
        if after is not None:
            at, order_id = after
            older = or_(Order.created_at < at, and_(Order.created_at == at, Order.id < order_id))
            query = query.where(older)
        query = query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
        return list(await session.scalars(query))

    async def count(self, session: AsyncSession, user_id: str) -> int:
        query = select(func.count()).select_from(Order).where(Order.user_id == user_id)
        return int(await session.scalar(query) or 0)

    async def pending_before(
        self, session: AsyncSession, cutoff: datetime, limit: int
    ) -> list[str]:
        """Ids of PENDING orders created before ``cutoff``, oldest first."""
        query = (
            select(Order.id)
            .where(Order.status == OrderStatus.PENDING.value, Order.created_at < cutoff)
            .order_by(Order.created_at, Order.id)
            .limit(limit)
        )
        return list(await session.scalars(query))
