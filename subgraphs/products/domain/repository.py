"""All SQL of the catalog: lookups, keyset pages, writes and the atomic stock adjustment."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.products.domain.cursors import Cursor, cursor_instant
from subgraphs.products.domain.errors import DuplicateSku
from subgraphs.products.domain.models import Product
from subgraphs.products.domain.records import ProductRecord, ProductSort

__all__ = ["MAX_STOCK", "ProductRepository", "escape_like", "filters", "storable_id"]

MAX_STOCK = 2**31 - 1  # GraphQL Int is a signed 32-bit integer (GraphQL spec 3.5.1)
_DESCENDING = {ProductSort.PRICE_DESC, ProductSort.NAME_DESC, ProductSort.NEWEST}
PRODUCTS: Table = Product.__table__  # type: ignore[assignment]
# The columns of a ProductRecord, read as Core rows (no ORM objects on the lookup path).
_RECORD_COLUMNS = [PRODUCTS.c[name] for name in (
    "id", "sku", "name", "description", "price_amount", "price_currency", "category", "stock",
    "created_at", "version")]
# Hot statements built once; their values are parameters (no per-call coercion or cache key).
_RECORDS = select(*_RECORD_COLUMNS).where(PRODUCTS.c.id.in_(bindparam("ids", expanding=True)))


def escape_like(text: str) -> str:
    """Make ``text`` match literally inside a LIKE pattern escaped with a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ProductRepository:
    """Stateless; every method works inside the caller's session and transaction."""

    async def get_many(self, session: AsyncSession, ids: Sequence[str]) -> dict[str, Product]:
        """Products by id in one query; missing ids are simply absent."""
        wanted = {i for i in ids if storable_id(i)}
        if not wanted:
            return {}
        statement = select(Product).where(Product.id.in_(wanted))
        # populate_existing: a product already in the session is re-read, not served stale
        rows = await session.scalars(statement.execution_options(populate_existing=True))
        return {row.id: row for row in rows}

    async def records(
        self, session: AsyncSession, ids: Sequence[str]
    ) -> dict[str, ProductRecord]:
        """Products by id in one query, as records; missing ids are simply absent."""
        wanted = {i for i in ids if storable_id(i)}
        if not wanted:
            return {}
        rows = await session.execute(_RECORDS, {"ids": list(wanted)})
        return {row.id: ProductRecord(**row._asdict()) for row in rows}

    async def skus_present(self, session: AsyncSession, skus: Sequence[str]) -> set[str]:
        rows = await session.scalars(select(Product.sku).where(Product.sku.in_(set(skus))))
        return set(rows)

    async def add(self, session: AsyncSession, product: Product) -> Product:
        """Insert; the unique constraint, not a prior read, decides duplicates (race-safe)."""
        session.add(product)
        await self._flush(session, product.sku)
        return product

    async def save(self, session: AsyncSession, product: Product) -> Product:
        """Flush pending changes of a loaded product."""
        await self._flush(session, product.sku)
        return product

    async def adjust_stock(
        self, session: AsyncSession, product_id: str, delta: int
    ) -> ProductRecord | None:
        """Add ``delta`` in one statement that refuses to leave 0..MAX_STOCK; the changed row
        (its version raised), or None when refused or unknown. On PostgreSQL the row lock
        serialises concurrent callers and each re-checks the guard against the committed stock
        (READ COMMITTED)."""
        if not storable_id(product_id):
            return None
        values = {"product_id": product_id, "delta": delta, "now": datetime.now(UTC)}
        row = (await session.execute(_ADJUST, values)).one_or_none()
        return None if row is None else ProductRecord(**row._asdict())

    async def adjust_stocks(
        self, session: AsyncSession, deltas: Mapping[str, int]
    ) -> dict[str, ProductRecord]:
        """``adjust_stock`` of several products in one statement: each row it changed (its
        version raised); refused and unknown ids are absent (the caller undoes the others if
        needed).

        The rows are locked first, in id order (``FOR UPDATE`` in a CTE; the UPDATE only
        touches rows the CTE has locked), as one ``adjust_stock`` per product in id order
        would: two such statements over the same products never deadlock. Each row's guard is
        checked against its committed stock, as in ``adjust_stock``.
        """
        ids = [pid for pid in deltas if storable_id(pid)]
        if not ids:
            return {}
        values: dict[str, Any] = {"now": datetime.now(UTC)}
        for i, pid in enumerate(ids):
            values[f"id_{i}"], values[f"delta_{i}"] = pid, deltas[pid]
        rows = await session.execute(_adjust_many(len(ids)), values)
        return {row.id: ProductRecord(**row._asdict()) for row in rows}

    async def page(
        self, session: AsyncSession, filters: list[ColumnElement[bool]], sort: ProductSort,
        after: Cursor | None, limit: int,
    ) -> list[Product]:
        """Up to ``limit`` products after ``after`` in ``sort`` order (keyset pagination)."""
        conditions = [*filters, *([_after(sort, after)] if after else [])]
        statement = select(Product).where(*conditions).order_by(*_order(sort)).limit(limit)
        return list(await session.scalars(statement))

    async def count(self, session: AsyncSession, filters: list[ColumnElement[bool]]) -> int:
        statement = select(func.count()).select_from(Product).where(*filters)
        return int((await session.execute(statement)).scalar_one())

    async def categories(self, session: AsyncSession) -> list[str]:
        """Every category some product has, alphabetically (categories differing only in case
        filter alike, so they are listed once, under their first spelling)."""
        statement = (select(func.min(Product.category))
                     .where(Product.category.is_not(None), Product.category != "")
                     .group_by(func.lower(Product.category)).order_by(func.lower(Product.category)))
        return [name for name in await session.scalars(statement)]

    async def _flush(self, session: AsyncSession, sku: str) -> None:
        try:
            await session.flush()
        except IntegrityError as exc:
            if "sku" in str(exc.orig).lower():
                raise DuplicateSku(sku) from None
            raise


def filters(search: str | None, category: str | None) -> list[ColumnElement[bool]]:
    """Every search word must appear (case-insensitively) in the name or the description."""
    conditions: list[ColumnElement[bool]] = []
    for word in (search or "").split():
        pattern = f"%{escape_like(word)}%"
        conditions.append(or_(_ilike(Product.name, pattern), _ilike(Product.description, pattern)))
    if category is not None:
        conditions.append(func.lower(Product.category) == category.lower())
    return conditions


def _guarded_add(delta: ColumnElement[int], now: ColumnElement[datetime]) -> Any:
    """UPDATE products adding ``delta`` to stock where the result stays in 0..MAX_STOCK."""
    # checked in 64 bits: an int4 sum would overflow on PostgreSQL before the comparison
    wide = cast(PRODUCTS.c.stock, BigInteger) + cast(delta, BigInteger)
    return (update(PRODUCTS).where(wide >= 0, wide <= MAX_STOCK)
            .values(stock=PRODUCTS.c.stock + delta, updated_at=now,
                    version=PRODUCTS.c.version + 1))


_ADJUST = (_guarded_add(bindparam("delta", type_=Integer),
                        bindparam("now", type_=PRODUCTS.c.updated_at.type))
           .where(PRODUCTS.c.id == bindparam("product_id")).returning(*_RECORD_COLUMNS))


@functools.lru_cache(maxsize=64)
def _adjust_many(count: int) -> Any:
    """``adjust_stocks``' statement for ``count`` products, built once per count; its values
    are the parameters ``now``, ``id_<i>`` and ``delta_<i>``."""
    ids = [bindparam(f"id_{i}", type_=String) for i in range(count)]
    deltas = [bindparam(f"delta_{i}", type_=Integer) for i in range(count)]
    locked = (select(PRODUCTS.c.id).where(PRODUCTS.c.id.in_(ids))
              .order_by(PRODUCTS.c.id).with_for_update().cte("locked"))
    delta = case(*zip(ids, deltas, strict=True), value=PRODUCTS.c.id)
    return (_guarded_add(delta, bindparam("now", type_=PRODUCTS.c.updated_at.type))
            .where(PRODUCTS.c.id.in_(select(locked.c.id)))
            .returning(*_RECORD_COLUMNS))


def storable_id(product_id: str) -> bool:
    """Whether ``product_id`` could name a stored product at all."""
    # ids are uuids; anything longer, or holding NUL (which PostgreSQL refuses), cannot exist
    return len(product_id) <= 36 and "\x00" not in product_id


def _ilike(column: Any, pattern: str) -> ColumnElement[bool]:
    return column.ilike(pattern, escape="\\")


def _sort_column(sort: ProductSort) -> Any:
    if sort in (ProductSort.PRICE_ASC, ProductSort.PRICE_DESC):
        return Product.price_amount
    if sort in (ProductSort.NAME_ASC, ProductSort.NAME_DESC):
        return Product.name_key
    return Product.created_at


def _order(sort: ProductSort) -> list[Any]:
    column = _sort_column(sort)
    if sort in _DESCENDING:
        return [column.desc(), Product.id.desc()]
    return [column.asc(), Product.id.asc()]


def _after(sort: ProductSort, cursor: Cursor) -> ColumnElement[bool]:
    # (key, id) > (k, i), spelled out because SQLite and PostgreSQL differ on row comparisons
    column = _sort_column(sort)
    key = cursor_instant(int(cursor.key)) if sort is ProductSort.NEWEST else cursor.key
    if sort in _DESCENDING:
        return or_(column < key, and_(column == key, Product.id < cursor.id))
    return or_(column > key, and_(column == key, Product.id > cursor.id))
