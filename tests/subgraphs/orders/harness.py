"""The shared harness: a migrated orders app on a given database, fake cart and products,
the event handler as the consumer runs it, and helpers to read what was written."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from streaming.consumer import RetryPolicy
from streaming.events import (
    Envelope,
    InventoryReservationFailed,
    Money,
    PaymentProcessed,
    PaymentStatus,
    decode,
)
from streaming.inbox import idempotent
from streaming.settings import KafkaSettings
from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import load_settings
from subgraphs.kit.tokens import Principal
from subgraphs.orders.app import Services, build_app, build_services
from subgraphs.orders.config import CONSUMER_GROUP, MIGRATIONS_DIR, OrdersSettings
from subgraphs.orders.domain.models import INBOX, OUTBOX, Order, OrderStatusChange
from subgraphs.orders.events.handlers import order_handler
from tests.subgraphs.harness import bearer, post_graphql, serve
from tests.subgraphs.orders.fakes import FakeCart, FakeProducts, Priced, Stored

__all__ = [
    "ADA",
    "ADMIN",
    "BOB",
    "CHECKOUT",
    "EVENTS",
    "FAST_RETRY",
    "MUTATIONS",
    "ORDER_FIELDS",
    "Harness",
    "codes_of",
    "open_harness",
    "paid",
    "reservation_failed",
]

ADA = Principal("user-ada", "ada@example.com", "Ada", ("customer",))
BOB = Principal("user-bob", "bob@example.com", "Bob", ("customer",))
ADMIN = Principal("user-admin", "admin@example.com", "Admin", ("customer", "admin"))
ORDER_FIELDS = (
    "id status total { amount currency } trackingNumber createdAt cancellationReason "
    "paymentMethod user { id } items { product { id } productName quantity "
    "unitPrice { amount currency } lineTotal { amount currency } } "
    "statusHistory { previousStatus status reason changedAt }"
)
CHECKOUT = f"mutation($pm: String!) {{ checkout(paymentMethod: $pm) {{ {ORDER_FIELDS} }} }}"


FAST_RETRY = RetryPolicy(attempts=3, initial_backoff=0.02, max_backoff=0.05)


def paid(order: dict[str, Any], *, succeeded: bool = True, reason: str | None = None) -> Envelope:
    """A PaymentProcessed event for ``order`` (a GraphQL Order with ``user { id }``)."""
    status = PaymentStatus.SUCCEEDED if succeeded else PaymentStatus.FAILED
    return Envelope.wrap(PaymentProcessed(
        payment_id=str(uuid.uuid4()), order_id=order["id"], user_id=order["user"]["id"],
        amount=Money(**order["total"]), status=status, payment_method="pm_card_visa",
        failure_reason=reason,
    ))


def reservation_failed(order: dict[str, Any], reason: str = "insufficient stock") -> Envelope:
    return Envelope.wrap(InventoryReservationFailed(
        order_id=order["id"], user_id=order["user"]["id"], reason=reason))


EVENTS = {
    "pay": lambda order: paid(order),
    "decline": lambda order: paid(order, succeeded=False, reason="card_declined"),
    "reservation_failed": lambda order: reservation_failed(order),
    "reservation_expired": lambda order: reservation_failed(order, "reservation expired"),
}
MUTATIONS = {
    "cancel": ("mutation($id: ID!) { cancelOrder(id: $id) { id status } }", ADA),
    "ship": ('mutation($id: ID!) { shipOrder(id: $id, trackingNumber: "1Z999") { id status } }',
             ADMIN),
    "deliver": ("mutation($id: ID!) { deliverOrder(id: $id) { id status } }", ADMIN),
}


def codes_of(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


@dataclass
class Harness:
    """One orders app (lifespan running), its services, the fakes and an HTTP client."""

    settings: OrdersSettings
    services: Services
    cart: FakeCart
    products: FakeProducts
    client: httpx.AsyncClient
    versions: int = 1000  # cart versions `reach` uses, apart from the ones tests choose

    def price(self, product_id: str, name: str, amount: int, currency: str = "USD") -> None:
        self.products.state[product_id] = Priced(name, amount, currency)

    def fill_cart(self, user: Principal, *lines: tuple[str, int], version: int = 1) -> None:
        self.cart.state[user.id] = Stored(list(lines), version)

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *,
        user: Principal | None = None,
    ) -> dict[str, Any]:
        headers = bearer(user, self.settings)
        return await post_graphql(self.client, query, variables, headers)

    async def ok(self, query: str, variables: dict[str, Any] | None = None, **who: Any) -> Any:
        """The data of the only field of an operation that must succeed."""
        result = await self.gql(query, variables, **who)
        assert "errors" not in result, result
        return next(iter(result["data"].values()))

    async def checkout(self, user: Principal, pm: str = "pm_card_visa") -> dict[str, Any]:
        return await self.ok(CHECKOUT, {"pm": pm}, user=user)

    async def place(self, user: Principal = ADA, *, version: int = 1) -> dict[str, Any]:
        """A PENDING order of one line (2 x p-1 at 1250 USD) for ``user``."""
        self.price("p-1", "Mug", 1250)
        self.fill_cart(user, ("p-1", 2), version=version)
        return await self.checkout(user)

    async def deliver(self, event: Envelope) -> None:
        """Hand ``event`` to the orders handler exactly as the consumer does (inbox included)."""
        handler = idempotent(self.services.database.sessions, CONSUMER_GROUP,
                             order_handler(self.services.orders), table=INBOX)
        await handler(event)

    async def reach(self, status: str, user: Principal = ADA) -> dict[str, Any]:
        """A new order of ``user`` in ``status``, by the legal road there."""
        self.versions += 1
        order = await self.place(user, version=self.versions)
        road = {"PAID": ["pay"], "PAYMENT_FAILED": ["decline"], "CANCELLED": ["cancel"],
                "SHIPPED": ["pay", "ship"], "DELIVERED": ["pay", "ship", "deliver"]}
        for step in road.get(status, []):
            await self.act(step, order)
        now = await self.order(order["id"])
        assert now["status"] == status, now
        return now

    async def act(self, action: str, order: dict[str, Any]) -> dict[str, Any]:
        """Do ``action`` to ``order`` as a person (mutation) or an event would; the raw result
        of a mutation, {} for an event."""
        if action in EVENTS:
            await self.deliver(EVENTS[action](order))
            return {}
        query, who = MUTATIONS[action]
        return await self.gql(query, {"id": order["id"]}, user=who)

    async def order(self, order_id: str, user: Principal = ADMIN) -> dict[str, Any]:
        return await self.ok(f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}",
                             {"id": order_id}, user=user)

    async def published(self, event_type: str | None = None) -> list[Envelope]:
        """The events in the outbox (what the relay will publish), oldest first."""
        async with self.services.database.engine.connect() as conn:
            rows = (await conn.execute(select(OUTBOX.c.value).order_by(OUTBOX.c.id))).all()
        events = [decode(row.value) for row in rows]
        return [e for e in events if event_type is None or e.type == event_type]

    async def count(self, model: type[Order] | type[OrderStatusChange]) -> int:
        async with self.services.database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@asynccontextmanager
async def open_harness(
    database_url: str, *, kafka: KafkaSettings | None = None, retry: RetryPolicy | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """Migrate, wire to the fakes and serve the app in-process; consumers only with ``kafka``."""
    await upgrade_async(MIGRATIONS_DIR, database_url)
    options = {"environment": "test", "expire_orders": False, **overrides}
    settings = load_settings(OrdersSettings, "orders", database_url=database_url, **options)
    cart, products = FakeCart(), FakeProducts()
    services = build_services(settings, cart_client=cart.client(),
                              products_client=products.client(), kafka=kafka, retry=retry,
                              consume=kafka is not None)
    app = build_app(settings, services)
    async with serve(app, "http://orders") as client:
        yield Harness(settings, services, cart, products, client)
