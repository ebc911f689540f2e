"""Checkout: snapshot the buyer's cart at authoritative prices into one PENDING order. Never
commits; the request boundary commits the order, its lines, its first history row and
``OrderCreated`` (outbox) together.

Idempotent per cart version: ``(user_id, cart_id, cart_version)`` is unique, so a double click
(or ten concurrent clicks) returns the order the first one placed, never a second order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import OrderStatus
from subgraphs.kit.errors import BadUserInput
from subgraphs.orders.domain import outbox
from subgraphs.orders.domain.errors import CartVersionReused, EmptyCart, InvalidInput
from subgraphs.orders.domain.ports import CartSource, Catalog
from subgraphs.orders.domain.pricing import price_lines, same_lines, total_of
from subgraphs.orders.domain.records import CartSnapshot, OrderLine, OrderRecord, StatusChange
from subgraphs.orders.domain.repository import OrderRepository

__all__ = ["Checkout", "valid_payment_method"]


def valid_payment_method(value: str) -> str:
    """A provider's payment-method id (``pm_card_visa``): 1..255 printable, no spaces."""
    value = value.strip()
    if not 0 < len(value) <= 255 or not value.isprintable() or " " in value:
        raise InvalidInput("paymentMethod must be a payment method id", "paymentMethod")
    return value


class Checkout:
    """Places orders from carts; one instance serves every request."""

    def __init__(
        self,
        repository: OrderRepository | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.repository = repository or OrderRepository()
        self.clock, self.new_id = clock, new_id

    async def place(
        self, session: AsyncSession, user_id: str, payment_method: str,
        cart: CartSource, catalog: Catalog,
    ) -> OrderRecord:
        """The order for the buyer's current cart version: placed now, or the one already
        placed. Upstream reads come first so no database connection waits on HTTP.

        A new order is the common case, so it is inserted straight away; the insert of a
        cart version bought before writes nothing, and then that order is read and answered.
        """
        method = valid_payment_method(payment_method)
        snapshot = await cart.snapshot()
        if not snapshot.lines:
            raise EmptyCart()
        products = await catalog.lookup([line.product_id for line in snapshot.lines])
        try:
            lines = price_lines(snapshot, products)
        except BadUserInput:
            # A repeated checkout answers its order even when the catalog changed since.
            existing = await self._existing(session, user_id, snapshot)
            if existing is not None:
                return existing
            raise
        return await self._insert(session, user_id, method, snapshot, lines)

    async def _insert(
        self, session: AsyncSession, user_id: str, method: str, cart: CartSnapshot,
        lines: tuple[OrderLine, ...],
    ) -> OrderRecord:
        # The record is built from what is inserted, as a read would return it; no read
        # follows the insert.
        order_id, now = self.new_id(), _as_stored(self.clock())
        order = OrderRecord(
            id=order_id, user_id=user_id, status=OrderStatus.PENDING, lines=lines,
            total_amount=total_of(lines), currency=lines[0].currency, payment_method=method,
            cart_id=cart.cart_id, cart_version=cart.version, tracking_number=None,
            cancellation_reason=None,
            history=(StatusChange(None, OrderStatus.PENDING, None, now),),
            created_at=now, updated_at=now,
        )
        if not await self.repository.insert_checkout(session, order):
            placed = await self._existing(session, user_id, cart)
            assert placed is not None  # the conflicting insert committed before ours went on
            return placed
        await outbox.order_created(session, order)
        return order

    async def _existing(
        self, session: AsyncSession, user_id: str, cart: CartSnapshot
    ) -> OrderRecord | None:
        """The order of this very cart version: a repeated checkout. Other lines under the
        same version mean the cart restarted its count (it expired); never hand back that
        older order as if it were this one."""
        order = await self.repository.by_checkout(session, user_id, cart.cart_id, cart.version)
        if order is not None and not same_lines(cart, order.lines):
            raise CartVersionReused()
        return order


def _as_stored(moment: datetime) -> datetime:
    """``moment`` as the database hands it back: in UTC. A naive one stays naive, and the
    insert refuses it (``UtcDateTime``)."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC)
