"""The shared harness: a migrated payments app on a given database, its handler and its books."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from streaming.consumer import RetryPolicy
from streaming.events import Envelope, InventoryReserved, Money, OrderCancelled, StockLine, decode
from streaming.inbox import idempotent
from streaming.settings import KafkaSettings
from subgraphs.kit.identity import dev_issuer
from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import ServiceSettings, load_settings
from subgraphs.kit.tokens import Principal, issue_token
from subgraphs.payments.app import Services, build_app, build_services
from subgraphs.payments.config import CONSUMER_GROUP, MIGRATIONS_DIR, PaymentsSettings
from subgraphs.payments.domain.models import INBOX, OUTBOX
from subgraphs.payments.domain.records import PaymentRecord
from subgraphs.payments.domain.sandbox import SandboxProvider
from subgraphs.payments.domain.sandbox_ledger import LEDGER
from subgraphs.payments.events.handlers import payment_handler

__all__ = [
    "Harness",
    "cancelled",
    "open_harness",
    "payments_settings",
    "reserved",
    "token_for",
]

EUR = "EUR"


def payments_settings(database_url: str, **overrides: Any) -> PaymentsSettings:
    return load_settings(PaymentsSettings, "payments", database_url=database_url,
                         environment="test", **overrides)


def reserved(
    order_id: str | None = None,
    *,
    user_id: str = "user-1",
    amount: int = 3998,
    payment_method: str = "pm_card_visa",
    expires_in: timedelta | None = timedelta(minutes=15),
) -> Envelope:
    """An InventoryReserved event for a new (or the given) order."""
    expires_at = None if expires_in is None else datetime.now(UTC) + expires_in
    return Envelope.wrap(InventoryReserved(
        order_id=order_id or f"order-{uuid.uuid4().hex[:12]}", user_id=user_id,
        items=[StockLine(product_id="p-1", quantity=2)], total=Money(amount=amount, currency=EUR),
        payment_method=payment_method, expires_at=expires_at,
    ))


def cancelled(order_id: str, *, user_id: str = "user-1", reason: str = "cancelled by owner"):
    """An OrderCancelled event."""
    return Envelope.wrap(OrderCancelled(order_id=order_id, user_id=user_id, reason=reason))


def token_for(user_id: str, *roles: str, settings: ServiceSettings) -> str:
    principal = Principal(id=user_id, email=f"{user_id}@example.com", name=user_id,
                          roles=roles or ("customer",))
    return issue_token(principal, dev_issuer(settings))[0]


@dataclass
class Harness:
    """One payments app (lifespan running), its services and an in-process HTTP client."""

    settings: PaymentsSettings
    services: Services
    client: httpx.AsyncClient

    @property
    def sandbox(self) -> SandboxProvider:
        assert isinstance(self.services.provider, SandboxProvider)
        return self.services.provider

    async def deliver(self, event: Envelope, handler: Any = None) -> None:
        """Hand ``event`` to the payments handler exactly as the consumer does (inbox included)."""
        handler = handler or payment_handler(self.services.payments)
        sessions = self.services.database.sessions
        await idempotent(sessions, CONSUMER_GROUP, handler, table=INBOX)(event)

    async def payment(self, order_id: str) -> PaymentRecord | None:
        async with self.services.database.sessions() as session:
            return (await self.services.payments.by_orders(session, [order_id]))[0]

    async def published(self, event_type: str | None = None) -> list[Envelope]:
        """The events in the outbox (what the relay will publish), oldest first."""
        async with self.services.database.engine.connect() as conn:
            rows = (await conn.execute(select(OUTBOX.c.value).order_by(OUTBOX.c.id))).all()
        events = [decode(row.value) for row in rows]
        return [e for e in events if event_type is None or e.type == event_type]

    async def charges(self) -> int:
        return await self.sandbox.ledger.count("charge")

    async def sandbox_references(self, kind: str) -> list[str]:
        """Transaction (or refund) ids in the sandbox ledger: what the provider really did."""
        ledger = self.sandbox.ledger
        async with ledger.database.sessions() as session:
            rows = await session.execute(select(LEDGER.c.reference).where(LEDGER.c.kind == kind))
            return [row.reference for row in rows]

    async def refunds(self) -> int:
        return await self.sandbox.ledger.count("refund")

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        body = {"query": query, "variables": variables or {}}
        response = await self.client.post("/graphql", json=body, headers=headers)
        return response.json()

    def token(self, user_id: str, *roles: str) -> str:
        return token_for(user_id, *roles, settings=self.settings)


@asynccontextmanager
async def open_harness(
    database_url: str,
    *,
    kafka: KafkaSettings | None = None,
    retry: RetryPolicy | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """Migrate, wire and serve the app in-process; Kafka consumers only when ``kafka`` is given."""
    await upgrade_async(MIGRATIONS_DIR, database_url)
    settings = payments_settings(database_url, **overrides)
    services = build_services(settings, kafka=kafka, retry=retry, consume=kafka is not None)
    app = build_app(settings, services)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://payments"
    ) as client:
        yield Harness(settings, services, client)
