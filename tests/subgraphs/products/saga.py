"""Saga harness: deliver events to products' inbox handler and read what it wrote."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from streaming.events import (
    Envelope,
    EventPayload,
    Money,
    OrderCancelled,
    OrderCreated,
    OrderItem,
    PaymentProcessed,
    decode,
)
from streaming.inbox import idempotent
from subgraphs.products.domain.models import INBOX, OUTBOX, Reservation
from subgraphs.products.events.after_commit import boundary_database
from subgraphs.products.events.handlers import GROUP, saga_handler
from tests.subgraphs.products.harness import Harness

__all__ = ["Clock", "Saga", "cancelled", "order_created", "payment"]

START = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class Clock:
    """A hand-moved clock for the inventory service (reservation deadlines, the sweep)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def order_created(order_id: str, *lines: tuple[str, int], user_id: str = "user-1") -> OrderCreated:
    items = [OrderItem(product_id=pid, quantity=q, unit_price=Money(amount=1000, currency="USD"))
             for pid, q in lines]
    total = Money(amount=1000 * sum(q for _pid, q in lines), currency="USD")
    return OrderCreated(order_id=order_id, user_id=user_id, items=items, total=total,
                        payment_method="pm_card_visa")


def payment(order_id: str, status: str = "SUCCEEDED", user_id: str = "user-1") -> PaymentProcessed:
    return PaymentProcessed(
        payment_id=str(uuid.uuid4()), order_id=order_id, user_id=user_id,
        amount=Money(amount=1000, currency="USD"), status=status, payment_method="pm_card_visa",
    )


def cancelled(order_id: str, user_id: str = "user-1") -> OrderCancelled:
    return OrderCancelled(order_id=order_id, user_id=user_id, reason="cancelled by customer")


@dataclass
class Saga:
    """The products app plus its saga handler exactly as the consumer runs it (inbox included)."""

    app: Harness
    clock: Clock

    @classmethod
    def over(cls, app: Harness) -> Saga:
        clock = Clock()
        app.services.inventory.clock = clock
        return cls(app, clock)

    async def deliver(self, payload: EventPayload | Envelope) -> Envelope:
        """Hand one event to the inbox-wrapped handler; returns the envelope delivered."""
        event = payload if isinstance(payload, Envelope) else Envelope.wrap(payload)
        services = self.app.services
        sessions = boundary_database(services.database).sessions
        handler = saga_handler(services.inventory, services.catalog)
        await idempotent(sessions, GROUP, handler, table=INBOX)(event)
        return event

    async def product(self, **fields: Any) -> str:
        """Create a product (unique SKU) through the API; returns its id."""
        sku = f"SKU-{uuid.uuid4().hex[:8]}"
        return (await self.app.create(sku=sku, name=fields.pop("name", sku), **fields))["id"]

    async def stock(self, product_id: str) -> int:
        async with self.app.services.database.sessions() as session:
            found = await self.app.services.products.get_many(session, [product_id])
        return found[product_id].stock

    async def events(self, event_type: str | None = None) -> list[Envelope]:
        """Every event in the outbox, in the order written; ``event_type`` filters."""
        async with self.app.services.database.engine.connect() as conn:
            rows = (await conn.execute(select(OUTBOX.c.value).order_by(OUTBOX.c.id))).scalars()
            events = [decode(value) for value in rows]
        return [e for e in events if event_type is None or e.type == event_type]

    async def statuses(self, order_id: str) -> dict[str, str]:
        """Reservation status per product of ``order_id``."""
        async with self.app.services.database.sessions() as session:
            statement = select(Reservation).where(Reservation.order_id == order_id)
            rows = await session.scalars(statement)
            return {row.product_id: row.status for row in rows}
