"""Stock in the checkout saga: reserve an order's lines, commit them on payment, release them.

Every method runs in the caller's transaction (the message boundary commits, together with the
inbox row and the outbox events written here) and returns the rows whose stock changed, as
changed, so the boundary can write them through to the cache after the commit.

| event                      | effect                                                      |
|----------------------------|-------------------------------------------------------------|
| OrderCreated               | take every line or none -> InventoryReserved and one        |
|                            | InventoryUpdated per product; or InventoryReservationFailed |
| PaymentProcessed SUCCEEDED | RESERVED -> COMMITTED; already RELEASED -> ReservationFailed|
| PaymentProcessed FAILED    | RESERVED -> RELEASED, units back -> InventoryUpdated        |
| OrderCancelled             | RESERVED or COMMITTED -> RELEASED, units back               |
| expiry sweep               | RESERVED past expires_at -> RELEASED, units back            |
|                            | -> InventoryUpdated and InventoryReservationFailed          |
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import (
    Envelope,
    EventPayload,
    OrderCancelled,
    OrderCreated,
    PaymentProcessed,
    PaymentStatus,
    StockLine,
)
from subgraphs.products.domain.models import ReservationStatus
from subgraphs.products.domain.order_lines import failure_reason, shortages, summed_lines
from subgraphs.products.domain.records import ProductRecord
from subgraphs.products.domain.repository import MAX_STOCK, ProductRepository, storable_id
from subgraphs.products.domain.reservations import Held, ReservationRepository
from subgraphs.products.domain.stock_events import (
    Saga,
    reservation_failed,
    reserved,
    stock_updated,
)

__all__ = ["EXPIRED", "InventoryService"]

EXPIRED = "reservation expired"
_R = ReservationStatus


class _Refused(Exception):
    """A line's guarded update found too little stock; the savepoint rolls every line back."""

    def __init__(self, product_id: str) -> None:
        self.product_id = product_id


class InventoryService:
    """Reservations of the checkout saga. Never commits: the message boundary does."""

    def __init__(
        self,
        products: ProductRepository | None = None,
        reservations: ReservationRepository | None = None,
        *,
        ttl: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.products = products or ProductRepository()
        self.reservations = reservations or ReservationRepository()
        self.ttl, self.clock = ttl, clock

    async def reserve(self, session: AsyncSession, event: Envelope) -> list[ProductRecord]:
        """Hold every line of an OrderCreated, or none; a repeat of a known order does nothing."""
        order: OrderCreated = event.payload  # type: ignore[assignment]
        lines, saga, expires_at = summed_lines(order.items), Saga(event), self.clock() + self.ttl
        # The rows go in first: they claim the order (unique order and product), and this
        # write opens the database transaction before the SAVEPOINT, which SQLite would
        # otherwise run, and release, as a transaction of its own.
        if not await self._record(session, event, lines, expires_at):
            return []  # a known order: a repeat does nothing
        try:
            taken = await self._take_all(session, lines)
        except _Refused as refused:
            await self._reject(session, event, lines, refused.product_id)
            return []
        updates = [stock_updated(line.product_id, taken[line.product_id].stock, -line.quantity,
                                 "reserved", order.order_id) for line in lines]
        await saga.emit(session, *updates, reserved(order, lines, expires_at))
        return list(taken.values())

    async def settle_payment(
        self, session: AsyncSession, event: Envelope
    ) -> list[ProductRecord]:
        """Commit the held units when the charge succeeded, give them back when it failed."""
        paid: PaymentProcessed = event.payload  # type: ignore[assignment]
        if paid.status == PaymentStatus.FAILED:
            return await self._release(session, Saga(event), paid.order_id, [_R.RESERVED],
                                       "payment failed")
        now = self.clock()
        if await self.reservations.transition(session, paid.order_id, [_R.RESERVED],
                                              _R.COMMITTED, now):
            return []
        await self._paid_too_late(session, Saga(event), paid, now)
        return []

    async def cancel(self, session: AsyncSession, event: Envelope) -> list[ProductRecord]:
        """Give back everything the order holds, committed units included (payments refunds)."""
        cancelled: OrderCancelled = event.payload  # type: ignore[assignment]
        return await self._release(session, Saga(event), cancelled.order_id,
                                   [_R.RESERVED, _R.COMMITTED], "order cancelled")

    async def due_orders(self, session: AsyncSession, limit: int = 100) -> list[str]:
        """Orders whose reservation ran out and still holds units."""
        return await self.reservations.due_orders(session, self.clock(), limit)

    async def expire(self, session: AsyncSession, order_id: str) -> list[ProductRecord]:
        """Give back an order's overdue units and tell orders the reservation expired."""
        held = await self.reservations.transition(
            session, order_id, [_R.RESERVED], _R.RELEASED, self.clock(), due=True
        )
        if not held:
            return []  # paid, cancelled or already expired meanwhile
        saga = Saga(correlation_id=held[0].correlation_id)
        failed = reservation_failed(order_id, held[0].user_id, EXPIRED)
        return await self._give_back(session, saga, order_id, held, EXPIRED, then=failed)

    async def _take_all(
        self, session: AsyncSession, lines: Sequence[StockLine]
    ) -> dict[str, ProductRecord]:
        """Every line's product as changed, or _Refused naming the first line (in
        product-id order) that the stock cannot fill."""
        if len(lines) == 1:  # one guarded UPDATE of one row: a refusal changed nothing
            return await self._take_one(session, lines[0])
        # SAVEPOINT: a refused line undoes the lines taken with it, while the caller's
        # transaction (inbox row, failure event) carries on and commits.
        async with session.begin_nested():
            return await self._take_many(session, lines)

    async def _take_one(
        self, session: AsyncSession, line: StockLine
    ) -> dict[str, ProductRecord]:
        record = await self.products.adjust_stock(session, line.product_id, -line.quantity)
        if record is None:
            raise _Refused(line.product_id)
        return {line.product_id: record}

    async def _take_many(
        self, session: AsyncSession, lines: Sequence[StockLine]
    ) -> dict[str, ProductRecord]:
        # one UPDATE for every line, locking the rows in product-id order (adjust_stocks)
        deltas = {line.product_id: -line.quantity for line in lines}
        stocks = await self.products.adjust_stocks(session, deltas)
        for line in lines:
            if line.product_id not in stocks:
                raise _Refused(line.product_id)
        return stocks

    async def _reject(
        self, session: AsyncSession, event: Envelope, lines: Sequence[StockLine], refused: str
    ) -> None:
        order: OrderCreated = event.payload  # type: ignore[assignment]
        await self.reservations.transition(
            session, order.order_id, [_R.RESERVED], _R.REJECTED, self.clock()
        )
        records = await self.products.records(session, [line.product_id for line in lines])
        missing = shortages(lines, records, refused)
        failed = reservation_failed(order.order_id, order.user_id, failure_reason(missing),
                                    [s for s, _why in missing])
        await Saga(event).emit(session, failed)

    async def _record(
        self, session: AsyncSession, event: Envelope, lines: Sequence[StockLine],
        expires_at: datetime,
    ) -> bool:
        """Claim the order with its reservation rows; False when it was known already."""
        order: OrderCreated = event.payload  # type: ignore[assignment]
        now = self.clock()
        rows = [
            {
                "order_id": order.order_id, "user_id": order.user_id,
                "product_id": line.product_id, "quantity": min(line.quantity, MAX_STOCK),
                "status": _R.RESERVED, "expires_at": expires_at,
                "correlation_id": event.correlation_id, "created_at": now, "updated_at": now,
            }
            for line in lines
            if storable_id(line.product_id)  # ids that cannot exist are refused below anyway
        ]
        return await self.reservations.claim(session, order.order_id, rows)

    async def _release(
        self, session: AsyncSession, saga: Saga, order_id: str,
        sources: Collection[ReservationStatus], reason: str,
    ) -> list[ProductRecord]:
        held = await self.reservations.transition(
            session, order_id, sources, _R.RELEASED, self.clock()
        )
        return await self._give_back(session, saga, order_id, held, reason)

    async def _give_back(
        self, session: AsyncSession, saga: Saga, order_id: str, held: Sequence[Held], reason: str,
        *, then: EventPayload | None = None,
    ) -> list[ProductRecord]:
        """Restock ``held``: one InventoryUpdated per row, then ``then``, in one INSERT."""
        restocked: dict[str, ProductRecord] = {}  # the last state of each product
        events: list[EventPayload] = []
        for row in held:
            record = await self.products.adjust_stock(session, row.product_id, row.quantity)
            if record is None:  # rolls the release back; the consumer retries, then dead-letters
                raise RuntimeError(f"cannot restock {row.quantity} of {row.product_id}")
            events.append(stock_updated(row.product_id, record.stock, row.quantity, reason,
                                        order_id))
            restocked[row.product_id] = record
        await saga.emit(session, *events, *([then] if then is not None else []))
        return list(restocked.values())

    async def _paid_too_late(
        self, session: AsyncSession, saga: Saga, paid: PaymentProcessed, now: datetime
    ) -> None:
        # Nothing was RESERVED any more. Released rows mean the charge came after the units went
        # back (the sweep expired them, or the order was cancelled): tell orders and payments.
        rows = await self.reservations.for_order(session, paid.order_id)
        if not rows or any(row.status != _R.RELEASED for row in rows):
            return  # committed already (a repeat), rejected, or unknown: nothing to undo
        expired = any(row.expires_at is not None and row.expires_at <= now for row in rows)
        reason = EXPIRED if expired else "order cancelled"
        await saga.emit(session, reservation_failed(paid.order_id, paid.user_id, reason))
