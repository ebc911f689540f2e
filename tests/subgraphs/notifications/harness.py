"""The shared harness: a migrated notifications app on a given database, its handler, events."""

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
from streaming.events import (
    Envelope,
    Money,
    OrderCreated,
    OrderItem,
    OrderShipped,
    OrderStatus,
    OrderStatusChanged,
    UserRegistered,
)
from streaming.inbox import idempotent
from streaming.settings import KafkaSettings
from subgraphs.kit.identity import dev_issuer
from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import load_settings
from subgraphs.kit.tokens import Principal, issue_token
from subgraphs.notifications.app import Services, build_app, build_services
from subgraphs.notifications.config import CONSUMER_GROUP, MIGRATIONS_DIR, NotificationsSettings
from subgraphs.notifications.domain.models import INBOX, Notification
from subgraphs.notifications.domain.records import NotificationRecord
from subgraphs.notifications.events.handlers import notification_handler

__all__ = [
    "Harness",
    "created",
    "open_harness",
    "registered",
    "shipped",
    "status_changed",
]

CONNECTION = (
    "edges { cursor node { id channel template recipient status subject body eventId "
    "orderId createdAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
)


def registered(user_id: str = "user-1", *, phone: str | None = "+14155550101") -> Envelope:
    return Envelope.wrap(UserRegistered(
        user_id=user_id, email=f"{user_id}@example.com", full_name="Ada Lovelace", phone=phone,
    ))


def created(order_id: str | None = None, *, user_id: str = "user-1", amount: int = 3998,
            age: timedelta = timedelta(0)) -> Envelope:
    """An OrderCreated; ``age`` back-dates it (an event that waited long for its contact)."""
    event = Envelope.wrap(OrderCreated(
        order_id=order_id or f"order-{uuid.uuid4().hex[:12]}", user_id=user_id,
        items=[OrderItem(product_id="p-1", quantity=2,
                         unit_price=Money(amount=amount // 2, currency="EUR"))],
        total=Money(amount=amount, currency="EUR"), payment_method="pm_card_visa",
    ))
    return event.model_copy(update={"occurred_at": datetime.now(UTC) - age})


def status_changed(order_id: str, status: OrderStatus, *, user_id: str = "user-1",
                   previous: OrderStatus = OrderStatus.PENDING, reason: str | None = None):
    return Envelope.wrap(OrderStatusChanged(order_id=order_id, user_id=user_id,
                                            previous_status=previous, status=status,
                                            reason=reason))


def shipped(order_id: str, *, user_id: str = "user-1", tracking: str = "1Z999AA10123456784"):
    return Envelope.wrap(OrderShipped(order_id=order_id, user_id=user_id,
                                      tracking_number=tracking))


@dataclass
class Harness:
    """One notifications app (lifespan running), its services and an in-process HTTP client."""

    settings: NotificationsSettings
    services: Services
    client: httpx.AsyncClient

    async def deliver(self, *events: Envelope) -> None:
        """Hand each event to the handler exactly as the consumer does (inbox included)."""
        handler = notification_handler(self.services.notifications)
        for event in events:
            await idempotent(self.services.database.sessions, CONSUMER_GROUP, handler,
                             table=INBOX)(event)

    async def messages(self) -> list[NotificationRecord]:
        """Every recorded message, oldest first."""
        async with self.services.database.sessions() as session:
            rows = await session.scalars(select(Notification).order_by(Notification.seq))
            return [row.to_record() for row in rows]

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        body = {"query": query, "variables": variables or {}}
        response = await self.client.post("/graphql", json=body, headers=headers)
        return response.json()

    async def user_notifications(self, user_id: str, token: str | None, **args: Any):
        query = (
            "query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) "
            "{ ... on User { notifications(first: $first, after: $after) "
            f"{{ {CONNECTION} }} }} }} }}"
        )
        rep = [{"__typename": "User", "id": user_id}]
        return await self.gql(query, {"r": rep, **args}, token=token)

    async def dev_mailbox(self, token: str | None, **args: Any) -> dict[str, Any]:
        query = (
            "query($first: Int, $after: String, $recipient: String) { devMailbox(first: $first, "
            f"after: $after, recipient: $recipient) {{ {CONNECTION} }} }}"
        )
        return await self.gql(query, args, token=token)

    def token(self, user_id: str, *roles: str) -> str:
        principal = Principal(id=user_id, email=f"{user_id}@example.com", name=user_id,
                              roles=roles or ("customer",))
        return issue_token(principal, dev_issuer(self.settings))[0]


@asynccontextmanager
async def open_harness(
    database_url: str,
    *,
    kafka: KafkaSettings | None = None,
    retry: RetryPolicy | None = None,
    users_client: httpx.AsyncClient | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """Migrate, wire and serve the app in-process; Kafka consumers only when ``kafka`` is given.

    Contacts are never asked of users unless ``users_url`` (or ``users_client``) is given: a
    users service some other process runs on the default port must not answer these tests."""
    await upgrade_async(MIGRATIONS_DIR, database_url)
    overrides.setdefault("users_url", "http://users.test/graphql" if users_client else "")
    settings = load_settings(NotificationsSettings, "notifications", database_url=database_url,
                             environment="test", **overrides)
    services = build_services(settings, kafka=kafka, retry=retry, consume=kafka is not None,
                              users_client=users_client)
    app = build_app(settings, services)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://notifications"
    ) as client:
        yield Harness(settings, services, client)
