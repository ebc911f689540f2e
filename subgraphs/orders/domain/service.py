"""Order rules after checkout: every status change goes through ``_move``, judged by the state
machine, recorded in the history and announced through the outbox in the caller's
transaction. Never commits (the request or message boundary does).

Commands from people raise on an illegal move (CONFLICT); events, which may arrive late or
twice, are ignored and logged instead, because the state they would undo already happened.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import (
    Envelope,
    InventoryReservationFailed,
    OrderStatus,
    PaymentProcessed,
    PaymentStatus,
)
from subgraphs.kit.errors import Conflict
from subgraphs.kit.tokens import Principal
from subgraphs.orders.domain import outbox
from subgraphs.orders.domain.errors import InvalidInput, OrderNotFound
from subgraphs.orders.domain.records import OrderRecord, StatusChange
from subgraphs.orders.domain.repository import OrderRepository, StoredOrder
from subgraphs.orders.domain.state_machine import allowed, check, sources

__all__ = ["PAYMENT_TIMEOUT", "OrderService"]

PAYMENT_TIMEOUT = "payment timeout"
log = logging.getLogger("orders.service")


class OrderService:
    """Cancel, ship, deliver, react to payment and inventory events, expire unpaid orders."""

    def __init__(
        self,
        repository: OrderRepository | None = None,
        *,
        payment_timeout: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository or OrderRepository()
        self.payment_timeout = payment_timeout
        self.clock = clock

    async def cancel(self, session: AsyncSession, order_id: str, by: Principal) -> OrderRecord:
        """The owner (or an admin) cancels a PENDING or PAID order."""
        order = await self._visible(session, order_id, by)
        by_owner = order.record.user_id == by.id
        reason = "cancelled by customer" if by_owner else "cancelled by admin"
        return await self._move(session, order, OrderStatus.CANCELLED, reason)

    async def ship(self, session: AsyncSession, order_id: str, tracking_number: str) -> OrderRecord:
        """A PAID order leaves the warehouse (the caller checked the admin role)."""
        tracking = tracking_number.strip()
        if not 0 < len(tracking) <= 100 or not tracking.isprintable():
            raise InvalidInput("trackingNumber must be 1 to 100 characters", "trackingNumber")
        order = await self._found(session, order_id)
        return await self._move(session, order, OrderStatus.SHIPPED, None, tracking=tracking)

    async def deliver(self, session: AsyncSession, order_id: str) -> OrderRecord:
        """A SHIPPED order arrived (the caller checked the admin role)."""
        order = await self._found(session, order_id)
        return await self._move(session, order, OrderStatus.DELIVERED, None)

    async def payment_processed(self, session: AsyncSession, event: Envelope) -> None:
        """PaymentProcessed: SUCCEEDED -> PAID, FAILED -> PAYMENT_FAILED."""
        payment: PaymentProcessed = event.payload  # type: ignore[assignment]
        if payment.status == PaymentStatus.SUCCEEDED:
            await self._on_event(session, event, payment.order_id, OrderStatus.PAID, None)
            return
        reason = payment.failure_reason or "payment failed"
        await self._on_event(session, event, payment.order_id, OrderStatus.PAYMENT_FAILED, reason)

    async def reservation_failed(self, session: AsyncSession, event: Envelope) -> None:
        """InventoryReservationFailed -> CANCELLED with its reason (a PAID order whose
        reservation lapsed too: payments refunds it on OrderCancelled)."""
        failed: InventoryReservationFailed = event.payload  # type: ignore[assignment]
        await self._on_event(session, event, failed.order_id, OrderStatus.CANCELLED, failed.reason)

    async def expire(self, session: AsyncSession, order_id: str) -> bool:
        """Cancel the order if it is still PENDING past the payment timeout; True if it was."""
        order = await self.repository.head(session, order_id)
        cutoff = self.clock() - self.payment_timeout
        if order is None:
            return False
        if order.record.status != OrderStatus.PENDING or order.record.created_at > cutoff:
            return False
        await self._move(session, order, OrderStatus.CANCELLED, PAYMENT_TIMEOUT)
        return True

    async def _on_event(
        self, session: AsyncSession, event: Envelope, order_id: str, target: OrderStatus,
        reason: str | None,
    ) -> None:
        # A target with one way in (PAID, PAYMENT_FAILED: from PENDING) is moved into without
        # reading the order first; when it was not there to move, the read below says why.
        [source, *others] = sources(target)
        if not others:
            change = StatusChange(source, target, reason, self.clock())
            moved = await self.repository.move_from(session, order_id, change)
            if moved is not None:
                await self._announce(session, moved, source, reason, event)
                return
        # The row alone (no lines, no history): the move writes the row and one history row,
        # and the events it announces name the order, its owner and the statuses only.
        order = await self.repository.head(session, order_id)
        if order is None:
            log.warning("%s for unknown order %s ignored", event.type, order_id)
            return
        if not allowed(order.record.status, target):
            log.info("%s ignored: order %s is %s, cannot become %s",
                     event.type, order_id, order.record.status.value, target.value)
            return
        await self._move(session, order, target, reason, cause=event)

    async def _move(
        self, session: AsyncSession, order: StoredOrder, target: OrderStatus,
        reason: str | None, *, cause: Envelope | None = None, tracking: str | None = None,
    ) -> OrderRecord:
        """Move ``order`` (as read) to ``target``: one more history row, ``tracking`` set
        when shipping; CONFLICT when another transaction changed it since it was read."""
        previous = order.record.status
        check(previous, target)
        record = _moved(order.record, target, reason, self.clock(), tracking)
        if not await self.repository.move(session, order, record):
            raise Conflict("The order changed meanwhile; try again")
        await self._announce(session, record, previous, reason, cause)
        return record

    @staticmethod
    async def _announce(
        session: AsyncSession, record: OrderRecord, previous: OrderStatus, reason: str | None,
        cause: Envelope | None,
    ) -> None:
        """The events of a move into ``record.status``, through the outbox."""
        await outbox.moved(session, record, previous, reason, cause)

    async def _found(self, session: AsyncSession, order_id: str) -> StoredOrder:
        order = await self.repository.get(session, order_id, lock=True)
        if order is None:
            raise OrderNotFound()
        return order

    async def _visible(
        self, session: AsyncSession, order_id: str, by: Principal
    ) -> StoredOrder:
        order = await self.repository.get(session, order_id, lock=True)
        if order is None or (order.record.user_id != by.id and not by.is_admin):
            raise OrderNotFound()  # another user's order looks like no order at all
        return order


def _moved(
    order: OrderRecord, target: OrderStatus, reason: str | None, now: datetime,
    tracking: str | None,
) -> OrderRecord:
    """``order`` once in ``target`` at ``now``: a cancellation keeps its reason, shipping its
    tracking number, and the history gains the change."""
    change = StatusChange(order.status, target, reason, now)
    return dataclasses.replace(
        order, status=target, updated_at=now, history=(*order.history, change),
        cancellation_reason=reason if target is OrderStatus.CANCELLED
        else order.cancellation_reason,
        tracking_number=tracking if tracking is not None else order.tracking_number,
    )
