"""Catalog and inventory rules over the repository; the caller owns the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.products.domain.cursors import decode_cursor, encode_cursor
from subgraphs.products.domain.errors import InsufficientStock, ProductNotFound
from subgraphs.products.domain.models import Product
from subgraphs.products.domain.records import (
    Page,
    ProductDraft,
    ProductPatch,
    ProductQuery,
    ProductRecord,
)
from subgraphs.products.domain.repository import ProductRepository, filters
from subgraphs.products.domain.rules import (
    check_filter,
    page_size,
    validate_changes,
    validate_draft,
)
from subgraphs.products.domain.stock_events import Saga, stock_updated

__all__ = ["ProductService"]

_MAX_SEARCH = 200


class ProductService:
    """Creates, changes and lists products. Never commits: the request boundary does."""

    def __init__(self, repository: ProductRepository | None = None) -> None:
        self.repository = repository or ProductRepository()

    async def create(
        self, session: AsyncSession, draft: ProductDraft, *, product_id: str | None = None,
        created_at: datetime | None = None,
    ) -> ProductRecord:
        draft = validate_draft(draft)
        now = datetime.now(UTC)
        product = Product(
            id=product_id or str(uuid.uuid4()), name_key=draft.name.casefold(),
            created_at=created_at or now, updated_at=now, **asdict(draft),
        )
        return (await self.repository.add(session, product)).to_record()

    async def update(
        self, session: AsyncSession, product_id: str, patch: ProductPatch
    ) -> ProductRecord:
        changes = validate_changes(patch.changes)
        product = await self._load(session, product_id)
        for name, value in changes.items():
            setattr(product, name, value)
        if "name" in changes:
            product.name_key = product.name.casefold()
        product.updated_at = datetime.now(UTC)
        return (await self.repository.save(session, product)).to_record()

    async def adjust_stock(
        self, session: AsyncSession, product_id: str, delta: int
    ) -> ProductRecord:
        """Apply ``delta`` atomically; stock never leaves 0..2^31-1, even under concurrency.

        A change is announced as InventoryUpdated through the outbox, in the same transaction.
        """
        record = await self.repository.adjust_stock(session, product_id, delta)
        if record is None:  # unknown (ProductNotFound), or refused by the guard
            product = await self._load(session, product_id)
            word = "insufficient stock" if delta < 0 else "stock would exceed the maximum"
            raise InsufficientStock(f"{word}: {product.stock} available", field="delta")
        if delta:
            await Saga().emit(session, stock_updated(product_id, record.stock, delta, "adjusted"))
        return record

    async def get_many(
        self, session: AsyncSession, ids: Sequence[str]
    ) -> dict[str, ProductRecord]:
        return await self.repository.records(session, ids)

    async def listing(self, session: AsyncSession, query: ProductQuery) -> Page:
        """One page of the listing; a bad ``first``, cursor or search raises BAD_USER_INPUT."""
        limit = page_size(query.first)
        after = decode_cursor(query.after, query.sort) if query.after is not None else None
        check_filter("search", query.search, _MAX_SEARCH)
        check_filter("category", query.category, 64)
        where = filters(query.search, query.category)
        rows = await self.repository.page(session, where, query.sort, after, limit + 1)
        records = [row.to_record() for row in rows[:limit]]
        items = [(encode_cursor(query.sort, record), record) for record in records]
        total = await self.repository.count(session, where)
        return Page(items, len(rows) > limit, after is not None, total)

    async def categories(self, session: AsyncSession) -> list[str]:
        """The categories the catalogue can be filtered by."""
        return await self.repository.categories(session)

    async def _load(self, session: AsyncSession, product_id: str) -> Product:
        found = await self.repository.get_many(session, [product_id])
        if product_id not in found:
            raise ProductNotFound(product_id)
        return found[product_id]

