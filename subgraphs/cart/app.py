"""Wiring: settings -> cart store, products client, service -> the kit's FastAPI app."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from streaming import KafkaSettings
from subgraphs.cart.catalog import ProductsCatalog
from subgraphs.cart.config import CartSettings
from subgraphs.cart.domain.memory_store import MemoryCartStore
from subgraphs.cart.domain.redis_store import RedisCartStore
from subgraphs.cart.domain.service import CartService
from subgraphs.cart.domain.store import CartStore
from subgraphs.cart.events.consumer import OrderEvents
from subgraphs.cart.graphql.schema import schema
from subgraphs.kit.app import Hook, create_app
from subgraphs.kit.entity_client import EntityClient
from subgraphs.kit.service_auth import peer_credential
from subgraphs.kit.service_http import ServiceClient

__all__ = ["Services", "build_app", "build_services", "make_store", "products_pool"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``."""

    store: CartStore
    products: EntityClient
    carts: CartService

    def catalog_for(self, authorization: str | None) -> ProductsCatalog:
        return ProductsCatalog(self.products, authorization)

    def as_mapping(self) -> dict[str, object]:
        return {"carts": self.carts, "catalog_for": self.catalog_for}


def make_store(settings: CartSettings) -> CartStore:
    """Redis when ``REDIS_URL`` is set, the in-process store otherwise."""
    if settings.redis_url:
        ttl = settings.cart_ttl_seconds
        return RedisCartStore(settings.redis_url, settings.cart_namespace, ttl)
    return MemoryCartStore(settings.cart_ttl_seconds)


def products_pool(settings: CartSettings) -> httpx.AsyncClient:
    """One client for every products lookup of this process: up to ``products_max_connections``
    connections, kept open between requests and reused (``kit.service_http``)."""
    return ServiceClient(timeout=settings.products_timeout_seconds,
                          max_connections=settings.products_max_connections)


def build_services(
    settings: CartSettings, *, products_client: httpx.AsyncClient | None = None
) -> Services:
    """``products_client`` lets tests serve products in-process."""
    store = make_store(settings)
    client = products_client or products_pool(settings)
    products = EntityClient(settings.products_url, client=client,
                            credential=peer_credential(settings, "products"))
    carts = CartService(store, currency=settings.default_currency)
    return Services(store, products, carts)


def build_app(settings: CartSettings, services: Services | None = None) -> FastAPI:
    """The cart app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    start: list[Hook] = []
    stop: list[Hook] = [services.products.close, services.store.close]
    if settings.consume_order_events:
        kafka = KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
        events = OrderEvents(services.carts, kafka)
        start.append(events.start)
        stop.insert(0, events.stop)
    return create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"store": services.store.ping},
        on_startup=start,
        on_shutdown=stop,
    )


