"""Wiring: settings -> database, cart and products clients, services, event consumers, expiry
sweep -> the kit's FastAPI app."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from streaming.broadcast import Broadcast
from streaming.consumer import RetryPolicy
from streaming.settings import KafkaSettings
from streaming.topics import ORDERS
from subgraphs.kit.app import Hook, create_app
from subgraphs.kit.database import Database
from subgraphs.kit.entity_client import EntityClient
from subgraphs.kit.messaging import Messaging
from subgraphs.kit.service_auth import peer_credential
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.domain.checkout import Checkout
from subgraphs.orders.domain.models import INBOX, OUTBOX
from subgraphs.orders.domain.reads import OrderReads
from subgraphs.orders.domain.service import OrderService
from subgraphs.orders.events.expiry import OrderExpiry
from subgraphs.orders.events.handlers import order_subscription
from subgraphs.orders.graphql.schema import schema
from subgraphs.orders.upstream import ProductsCatalog, UserCart

__all__ = ["Services", "build_app", "build_services"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``, plus the event machinery."""

    database: Database
    cart: EntityClient
    products: EntityClient
    checkout: Checkout
    orders: OrderService
    reads: OrderReads
    expiry: OrderExpiry
    messaging: Messaging | None
    status_feed: Broadcast | None = None  # every order event, for subscriptions on this replica

    def cart_of(self, user_id: str, authorization: str | None) -> UserCart:
        return UserCart(self.cart, user_id, authorization)

    def catalog_for(self, authorization: str | None) -> ProductsCatalog:
        return ProductsCatalog(self.products, authorization)

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "checkout": self.checkout, "orders": self.orders,
                "reads": self.reads, "cart_of": self.cart_of, "catalog_for": self.catalog_for,
                "status_feed": self.status_feed}


def build_services(
    settings: OrdersSettings,
    *,
    cart_client: httpx.AsyncClient | None = None,
    products_client: httpx.AsyncClient | None = None,
    kafka: KafkaSettings | None = None,
    retry: RetryPolicy | None = None,
    consume: bool = True,
) -> Services:
    """``*_client`` let tests serve cart and products in-process; ``consume=False`` leaves
    Kafka out (tests drive the handlers directly)."""
    database = Database.of(settings)
    timeout = settings.upstream_timeout_seconds
    cart = EntityClient(settings.cart_url, timeout=timeout, client=cart_client,
                        credential=peer_credential(settings, "cart"))
    products = EntityClient(settings.products_url, timeout=timeout, client=products_client,
                            credential=peer_credential(settings, "products"))
    orders = OrderService(payment_timeout=timedelta(seconds=settings.payment_timeout_seconds))
    expiry = OrderExpiry(database, orders, settings.expiry_interval_seconds)
    kafka = kafka or KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
    messaging = (
        Messaging(database, kafka, [order_subscription(orders)], outbox=OUTBOX, inbox=INBOX,
                  retry=retry)
        if consume else None
    )
    feed = Broadcast(kafka, ORDERS) if consume else None
    if messaging is not None and feed is not None:  # this replica's own events skip a fetch
        messaging.relay.listeners.append(feed.published)
    return Services(database, cart, products, Checkout(), orders, OrderReads(), expiry,
                    messaging, feed)


def build_app(settings: OrdersSettings, services: Services | None = None) -> FastAPI:
    """The orders app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    start: list[Hook] = []
    # Hooks stop in reverse: the sweep and consumers first, then what they use.
    stop: list[Hook] = [services.database.dispose, services.cart.close, services.products.close]
    if services.messaging is not None:
        start.append(services.messaging.start)
        stop.append(services.messaging.stop)
    if services.status_feed is not None:
        start.append(services.status_feed.start)
        stop.append(services.status_feed.stop)
    if settings.expire_orders:
        start.append(services.expiry.start)
        stop.append(services.expiry.stop)
    app = create_app(
        settings=settings, schema=schema, services=services.as_mapping(),
        ready_checks={"database": services.database.ping},
        on_startup=start, on_shutdown=stop,
    )
    _ready_with_stats(app, services)
    return app


def _ready_with_stats(app: FastAPI, services: Services) -> None:
    # The kit's /ready judges the database only; a broker that is down must not make orders
    # unready (events wait in the outbox), so messaging counters are reported, not judged.
    route = next(r for r in app.router.routes if getattr(r, "path", None) == "/ready")
    kit_ready = route.endpoint  # type: ignore[attr-defined]

    async def ready() -> JSONResponse:
        response = await kit_ready()
        body = {**json.loads(response.body), "expired": services.expiry.expired}
        if services.messaging is not None:
            body["messaging"] = services.messaging.stats()
        return JSONResponse(body, status_code=response.status_code)

    app.router.routes.remove(route)
    app.add_api_route("/ready", ready, methods=["GET"])
