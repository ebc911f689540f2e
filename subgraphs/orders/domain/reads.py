"""Reading orders: by id in batches (input order) and a user's orders as pages, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.orders.domain.cursors import decode_cursor, encode_cursor
from subgraphs.orders.domain.errors import InvalidInput
from subgraphs.orders.domain.records import OrderPage, OrderRecord
from subgraphs.orders.domain.repository import OrderRepository

__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "OrderReads"]

DEFAULT_PAGE = 20
MAX_PAGE = 100


class OrderReads:
    """Queries only; visibility is the caller's decision (owner or admin)."""

    def __init__(self, repository: OrderRepository | None = None) -> None:
        self.repository = repository or OrderRepository()

    async def get_many(
        self, session: AsyncSession, ids: Sequence[str]
    ) -> list[OrderRecord | None]:
        """Orders for ``ids`` in input order, None where unknown."""
        found = await self.repository.get_many(session, ids)
        return [found.get(i) for i in ids]

    async def row(self, session: AsyncSession, order_id: str) -> OrderRecord | None:
        """The order's own columns (status, owner, totals, times), without its lines and
        history (both empty); None when unknown."""
        return await self.repository.row(session, order_id)

    async def page(
        self, session: AsyncSession, user_id: str, first: int | None, after: str | None
    ) -> OrderPage:
        """Relay forward paging: ``first`` (default 20, at most 100) orders after ``after``."""
        limit = DEFAULT_PAGE if first is None else first
        if not 0 <= limit <= MAX_PAGE:
            raise InvalidInput(f"first must be between 0 and {MAX_PAGE}", "first")
        position = decode_cursor(after) if after is not None else None
        rows = await self.repository.page(session, user_id, limit + 1, position)
        items = tuple((encode_cursor(r.created_at, r.id), r) for r in rows[:limit])
        total = await self.repository.count(session, user_id)
        return OrderPage(items, len(rows) > limit, position is not None, total)
