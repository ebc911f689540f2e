"""Wiring: settings -> database, cache, services, saga messaging -> the kit's FastAPI app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI

from streaming.settings import KafkaSettings
from subgraphs.kit.app import Hook, create_app
from subgraphs.kit.cache import Cache, make_cache
from subgraphs.kit.database import Database
from subgraphs.kit.messaging import Messaging
from subgraphs.products.config import ProductsSettings
from subgraphs.products.domain.cache import CatalogCache
from subgraphs.products.domain.inventory import InventoryService
from subgraphs.products.domain.models import INBOX, OUTBOX
from subgraphs.products.domain.service import ProductService
from subgraphs.products.events.after_commit import boundary_database
from subgraphs.products.events.expiry import ReservationSweeper
from subgraphs.products.events.handlers import saga_subscription
from subgraphs.products.graphql.schema import schema

__all__ = ["Services", "build_app", "build_messaging", "build_services"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``, and the saga's workers."""

    database: Database
    cache: Cache
    products: ProductService
    catalog: CatalogCache
    inventory: InventoryService
    sweeper: ReservationSweeper

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "products": self.products, "catalog": self.catalog}


def build_services(settings: ProductsSettings, cache: Cache | None = None) -> Services:
    """``cache`` lets tests pick the store (Redis or in-process) the app reads through."""
    database = Database.of(settings)
    cache = cache or make_cache(settings.redis_url, settings.cache_namespace)
    products = ProductService()
    catalog = CatalogCache(cache, database, products, settings.cache_ttl_seconds)
    inventory = InventoryService(ttl=timedelta(seconds=settings.reservation_ttl_seconds))
    sweeper = ReservationSweeper(
        database, inventory, catalog, settings.reservation_sweep_seconds
    )
    return Services(database, cache, products, catalog, inventory, sweeper)


def build_messaging(services: Services, kafka: KafkaSettings) -> Messaging:
    """The outbox relay and the saga consumer (group ``products``) over the service's tables."""
    subscription = saga_subscription(services.inventory, services.catalog)
    database = boundary_database(services.database)
    return Messaging(database, kafka, [subscription], outbox=OUTBOX, inbox=INBOX)


def build_app(
    settings: ProductsSettings, services: Services | None = None,
    kafka: KafkaSettings | None = None,
) -> FastAPI:
    """The products app; ``services`` and ``kafka`` let tests share objects they inspect."""
    services = services or build_services(settings)
    kafka = kafka or KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
    messaging = build_messaging(services, kafka)
    start: list[Hook] = []
    stop: list[Hook] = [services.database.dispose, services.cache.close]  # run in reverse
    if settings.event_workers:
        start += [messaging.start, services.sweeper.start]
        stop += [messaging.stop, services.sweeper.stop]  # workers stop before the database
    app = create_app(
        settings=settings, schema=schema, services=services.as_mapping(),
        ready_checks={"database": services.database.ping, "cache": services.cache.ping},
        # Readiness does not depend on Kafka: the outbox keeps every event while the broker is
        # down and the relay catches up. The counters are reported on /ready, not judged.
        ready_details={
            "messaging": messaging.stats,
            "reservations": lambda: {"expired": services.sweeper.expired},
        },
        on_startup=start, on_shutdown=stop,
    )
    app.state.messaging = messaging
    return app

