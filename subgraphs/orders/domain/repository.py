"""All SQL of the orders database: orders with their lines and history, pages, expiry.

Core statements on the tables, built once at import (so SQLAlchemy computes each one's cache
key once) and mapped straight to the domain's frozen records: no identity map, unit of work or
relationship loading on the hot paths. An order with its lines is one SELECT (the order joined
to its lines), its history one more; a status move driven by an event reads the order's own row
only (``head``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    String,
    Update,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import OrderStatus
from subgraphs.orders.domain.checkout_statement import (
    CHECKOUT_KEY,
    INSERT_CHECKOUT,
    checkout_parameters,
)
from subgraphs.orders.domain.models import Order, OrderItem, OrderStatusChange
from subgraphs.orders.domain.records import OrderLine, OrderRecord, StatusChange

__all__ = ["OrderRepository", "StoredOrder"]

ORDERS = Order.__table__
ITEMS = OrderItem.__table__
CHANGES = OrderStatusChange.__table__


@dataclass(frozen=True, slots=True)
class StoredOrder:
    """An order as read, with the ``row_version`` its next change must still find there."""

    record: OrderRecord
    row_version: int


# The order's columns and its lines' (LEFT JOIN: an order without lines still reads).
_WITH_LINES = (
    select(ORDERS, ITEMS.c.product_id, ITEMS.c.product_name, ITEMS.c.quantity,
           ITEMS.c.unit_amount, ITEMS.c.currency.label("line_currency"))
    .select_from(ORDERS.outerjoin(ITEMS))
)
_BY_ID = _WITH_LINES.where(ORDERS.c.id == bindparam("order_id")).order_by(ITEMS.c.position)
# Locks the order's row only (PostgreSQL; SQLite has one writer and ignores it).
_BY_ID_LOCKED = _BY_ID.with_for_update(of=ORDERS)
# The order's own row: all a status move needs (no lines, no history), locked for one.
_HEAD = select(ORDERS).where(ORDERS.c.id == bindparam("order_id"))
_HEAD_LOCKED = _HEAD.with_for_update()
_BY_IDS = (
    _WITH_LINES.where(ORDERS.c.id.in_(bindparam("order_ids", expanding=True)))
    .order_by(ORDERS.c.id, ITEMS.c.position)
)
_BY_CHECKOUT = _WITH_LINES.where(
    ORDERS.c.user_id == bindparam("user_id"), ORDERS.c.cart_id == bindparam("cart_id"),
    ORDERS.c.cart_version == bindparam("cart_version"),
).order_by(ITEMS.c.position)

_HISTORY = select(CHANGES.c.order_id, CHANGES.c.previous_status, CHANGES.c.status,
                  CHANGES.c.reason, CHANGES.c.changed_at)
_HISTORY_OF = _HISTORY.where(CHANGES.c.order_id == bindparam("order_id")).order_by(CHANGES.c.id)
_HISTORIES_OF = (
    _HISTORY.where(CHANGES.c.order_id.in_(bindparam("order_ids", expanding=True)))
    .order_by(CHANGES.c.id)
)

# ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit, so ten
# simultaneous checkouts of one cart write one order.
# SQLite (PostgreSQL inserts the order, lines and history in one statement: see
# checkout_statement).
_INSERT_ORDER = sqlite.insert(ORDERS).on_conflict_do_nothing(index_elements=CHECKOUT_KEY)
_INSERT_ITEMS = insert(ITEMS)
_INSERT_CHANGE = insert(CHANGES)
# Optimistic locking: the UPDATE finds the row only at the row_version that was read.
_MOVE = (
    update(ORDERS)
    .where(ORDERS.c.id == bindparam("order_id"), ORDERS.c.row_version == bindparam("read_version"))
    .values(status=bindparam("new_status"), updated_at=bindparam("new_updated_at"),
            tracking_number=bindparam("new_tracking_number"),
            cancellation_reason=bindparam("new_cancellation_reason"),
            row_version=bindparam("new_row_version"))
)
# A move from a known status, without reading the order first: the UPDATE finds the row only
# in that status (a concurrent move waits for the row and is seen: PostgreSQL re-checks the
# WHERE on the row it committed).
_MOVE_FROM = (
    update(ORDERS)
    .where(ORDERS.c.id == bindparam("order_id"), ORDERS.c.status == bindparam("from_status"))
    .values(status=bindparam("new_status"), updated_at=bindparam("new_updated_at"),
            row_version=ORDERS.c.row_version + 1)
)


def _with_change(move: Update) -> Select[Any]:
    """PostgreSQL: ``move`` and its history row in one statement (one round trip); the
    history row is written only when the UPDATE found its row, and the moved row is returned.
    """
    moved = move.returning(*ORDERS.c).cte("moved")
    change = insert(CHANGES).from_select(
        ["order_id", "previous_status", "status", "reason", "changed_at"],
        select(moved.c.id, bindparam("change_previous", type_=String),
               moved.c.status, bindparam("change_reason", type_=String), moved.c.updated_at),
    ).cte("change")
    return select(moved).add_cte(change)


_MOVE_WITH_CHANGE = _with_change(_MOVE)
_MOVE_FROM_WITH_CHANGE = _with_change(_MOVE_FROM)


class OrderRepository:
    """Stateless; every method works inside the caller's session and transaction."""

    async def get(
        self, session: AsyncSession, order_id: str, *, lock: bool = False
    ) -> StoredOrder | None:
        """The whole order; ``lock`` holds its row until the transaction ends (PostgreSQL;
        SQLite has one writer, and ``row_version`` catches what slips through). The history
        is read after the lock is held, so it is the locked order's."""
        statement = _BY_ID_LOCKED if lock else _BY_ID
        rows = (await session.execute(statement, {"order_id": order_id})).all()
        if not rows:
            return None
        history = (await session.execute(_HISTORY_OF, {"order_id": order_id})).all()
        return _stored(rows, history)

    async def head(self, session: AsyncSession, order_id: str) -> StoredOrder | None:
        """The order's own row, locked as ``get(lock=True)`` locks it, in one SELECT: its
        record has no lines and no history (both empty). Enough to judge and ``move`` its
        status, which writes only the row and one more history row; not a whole order."""
        row = (await session.execute(_HEAD_LOCKED, {"order_id": order_id})).first()
        return None if row is None else StoredOrder(_record(row, (), ()), row.row_version)

    async def row(self, session: AsyncSession, order_id: str) -> OrderRecord | None:
        """The order's own row as a record without lines or history (both empty), in one
        SELECT that locks nothing: one state of the order, for reading its status."""
        found = (await session.execute(_HEAD, {"order_id": order_id})).first()
        return None if found is None else _record(found, (), ())

    async def get_many(
        self, session: AsyncSession, ids: Sequence[str]
    ) -> dict[str, OrderRecord]:
        """Whole orders by id in two SELECTs (with lines, then histories); unknown ids are
        absent."""
        if not ids:
            return {}
        rows = (await session.execute(_BY_IDS, {"order_ids": sorted(set(ids))})).all()
        if not rows:
            return {}
        found = sorted({row.id for row in rows})
        history = (await session.execute(_HISTORIES_OF, {"order_ids": found})).all()
        histories = _grouped(history, lambda row: row.order_id)
        return {order_id: _stored(order_rows, histories.get(order_id, [])).record
                for order_id, order_rows in _grouped(rows, lambda row: row.id).items()}

    async def by_checkout(
        self, session: AsyncSession, user_id: str, cart_id: str, cart_version: int
    ) -> OrderRecord | None:
        """The order already placed for this version of this user's cart, if any."""
        key = {"user_id": user_id, "cart_id": cart_id, "cart_version": cart_version}
        rows = (await session.execute(_BY_CHECKOUT, key)).all()
        if not rows:
            return None
        history = (await session.execute(_HISTORY_OF, {"order_id": rows[0].id})).all()
        return _stored(rows, history).record

    async def insert_checkout(self, session: AsyncSession, order: OrderRecord) -> bool:
        """Insert the new ``order`` (its row, lines and first history row) unless its cart
        version was bought already: then False, and nothing is written."""
        if _is_postgresql(session):  # one round trip: see checkout_statement
            [first] = order.history
            values = checkout_parameters(_order_row(order), order.lines, first)
            return (await session.execute(INSERT_CHECKOUT, values)).scalar_one() == 1
        if (await session.execute(_INSERT_ORDER, _order_row(order))).rowcount != 1:
            return False
        lines = [_line_row(order.id, position, line) for position, line in enumerate(order.lines)]
        await session.execute(_INSERT_ITEMS, lines)
        await session.execute(_INSERT_CHANGE, [_change_row(order.id, c) for c in order.history])
        return True

    async def move(self, session: AsyncSession, read: StoredOrder, moved: OrderRecord) -> bool:
        """Write ``moved`` (``read`` after one status change: status, times, reason, tracking
        number and one more history row) unless another transaction changed the order since
        it was read (its ``row_version`` moved on): then False, and nothing is written."""
        values = {
            "order_id": moved.id, "read_version": read.row_version,
            "new_status": moved.status.value, "new_updated_at": moved.updated_at,
            "new_tracking_number": moved.tracking_number,
            "new_cancellation_reason": moved.cancellation_reason,
            "new_row_version": read.row_version + 1,
        }
        change = moved.history[-1]
        if _is_postgresql(session):
            return await self._moved_row(session, _MOVE_WITH_CHANGE, values, change) is not None
        if (await session.execute(_MOVE, values)).rowcount != 1:
            return False
        await session.execute(_INSERT_CHANGE, _change_row(moved.id, change))
        return True

    async def move_from(
        self, session: AsyncSession, order_id: str, change: StatusChange
    ) -> OrderRecord | None:
        """Move the order from ``change.previous_status`` into ``change.status`` (its status
        and time; the tracking number and cancellation reason stay) with one more history row,
        if it is in ``change.previous_status`` now; without reading it first. The record after
        the move (no lines; the history is ``change`` alone), or None when the order is unknown
        or in another status: then nothing is written."""
        assert change.previous_status is not None  # a move starts from a status
        values = {"order_id": order_id, "from_status": change.previous_status.value,
                  "new_status": change.status.value, "new_updated_at": change.changed_at}
        if _is_postgresql(session):
            row = await self._moved_row(session, _MOVE_FROM_WITH_CHANGE, values, change)
            return None if row is None else _record(row, (), (change,))
        # SQLite: the one writer (the caller's transaction wrote already) holds the file.
        found = (await session.execute(_HEAD, {"order_id": order_id})).first()
        if found is None or found.status != change.previous_status.value:
            return None
        await session.execute(_MOVE_FROM, values)
        await session.execute(_INSERT_CHANGE, _change_row(order_id, change))
        return dataclasses.replace(_record(found, (), ()), status=change.status,
                                   updated_at=change.changed_at, history=(change,))

    @staticmethod
    async def _moved_row(
        session: AsyncSession, statement: Select[Any], values: dict[str, object],
        change: StatusChange,
    ) -> Row[Any] | None:
        previous = change.previous_status.value if change.previous_status is not None else None
        params = {**values, "change_previous": previous, "change_reason": change.reason}
        return (await session.execute(statement, params)).first()

    async def page(
        self, session: AsyncSession, user_id: str, limit: int,
        after: tuple[datetime, str] | None,
    ) -> list[OrderRecord]:
        """Up to ``limit`` of the user's orders, newest first (ties by id), after ``after``."""
        query = select(ORDERS.c.id).where(ORDERS.c.user_id == user_id)
        if after is not None:
            at, order_id = after
            older = or_(ORDERS.c.created_at < at,
                        and_(ORDERS.c.created_at == at, ORDERS.c.id < order_id))
            query = query.where(older)
        query = query.order_by(ORDERS.c.created_at.desc(), ORDERS.c.id.desc()).limit(limit)
        ids = list(await session.scalars(query))
        found = await self.get_many(session, ids)  # orders are never deleted
        return [found[order_id] for order_id in ids]

    async def count(self, session: AsyncSession, user_id: str) -> int:
        query = select(func.count()).select_from(ORDERS).where(ORDERS.c.user_id == user_id)
        return int(await session.scalar(query) or 0)

    async def pending_before(
        self, session: AsyncSession, cutoff: datetime, limit: int
    ) -> list[str]:
        """Ids of PENDING orders created before ``cutoff``, oldest first."""
        query = (
            select(ORDERS.c.id)
            .where(ORDERS.c.status == OrderStatus.PENDING.value, ORDERS.c.created_at < cutoff)
            .order_by(ORDERS.c.created_at, ORDERS.c.id)
            .limit(limit)
        )
        return list(await session.scalars(query))


def _is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _grouped(rows: Iterable[Row[Any]], order_id: Callable[[Row[Any]], str]
             ) -> dict[str, list[Row[Any]]]:
    """Rows by the order they belong to, each group in the rows' order."""
    groups: dict[str, list[Row[Any]]] = {}
    for row in rows:
        groups.setdefault(order_id(row), []).append(row)
    return groups


def _stored(rows: Sequence[Row[Any]], history: Iterable[Row[Any]]) -> StoredOrder:
    """One order from its rows joined to its lines (in position order) and its history rows
    (oldest first)."""
    lines = tuple(
        OrderLine(row.product_id, row.product_name, row.quantity, row.unit_amount,
                  row.line_currency)
        for row in rows if row.product_id is not None
    )
    changes = _as_of(OrderStatus(rows[0].status), [_change(row) for row in history])
    record = _record(rows[0], lines, changes)
    return StoredOrder(record, rows[0].row_version)


def _as_of(status: OrderStatus, history: list[StatusChange]) -> tuple[StatusChange, ...]:
    """``history`` up to the change into ``status``, the status of the order's row.

    Reads outside a transaction (``Database.reads()``) take each SELECT's own snapshot, as
    READ COMMITTED would: a move that commits between the row's SELECT and the history's adds a
    change the row does not show yet. Cut there, the record is one state, as the row says. The
    state machine never enters a status twice, so the change into it is the row's."""
    for position, change in enumerate(history):
        if change.status is status:
            return tuple(history[:position + 1])
    return tuple(history)


def _record(order: Row[Any], lines: tuple[OrderLine, ...], history: tuple[StatusChange, ...]
            ) -> OrderRecord:
    return OrderRecord(
        id=order.id, user_id=order.user_id, status=OrderStatus(order.status), lines=lines,
        total_amount=order.total_amount, currency=order.currency,
        payment_method=order.payment_method, cart_id=order.cart_id,
        cart_version=order.cart_version, tracking_number=order.tracking_number,
        cancellation_reason=order.cancellation_reason, history=history,
        created_at=order.created_at, updated_at=order.updated_at,
    )


def _change(row: Row[Any]) -> StatusChange:
    previous = OrderStatus(row.previous_status) if row.previous_status else None
    return StatusChange(previous, OrderStatus(row.status), row.reason, row.changed_at)


def _order_row(order: OrderRecord) -> dict[str, object]:
    return {
        "id": order.id, "user_id": order.user_id, "status": order.status.value,
        "total_amount": order.total_amount, "currency": order.currency,
        "payment_method": order.payment_method, "cart_id": order.cart_id,
        "cart_version": order.cart_version, "tracking_number": order.tracking_number,
        "cancellation_reason": order.cancellation_reason, "created_at": order.created_at,
        "updated_at": order.updated_at, "row_version": 1,
    }


def _line_row(order_id: str, position: int, line: OrderLine) -> dict[str, object]:
    return {
        "order_id": order_id, "position": position, "product_id": line.product_id,
        "product_name": line.product_name, "quantity": line.quantity,
        "unit_amount": line.unit_amount, "currency": line.currency,
    }


def _change_row(order_id: str, change: StatusChange) -> dict[str, object]:
    previous = change.previous_status.value if change.previous_status is not None else None
    return {
        "order_id": order_id, "previous_status": previous, "status": change.status.value,
        "reason": change.reason, "changed_at": change.changed_at,
    }
