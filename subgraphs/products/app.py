"""Wiring: settings -> database, cache, services -> the kit's FastAPI app on /graphql."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from subgraphs.kit.app import create_app
from subgraphs.kit.cache import Cache, make_cache
from subgraphs.kit.database import Database
from subgraphs.products.config import ProductsSettings
from subgraphs.products.domain.cache import CatalogCache
from subgraphs.products.domain.service import ProductService
from subgraphs.products.graphql.schema import schema

__all__ = ["Services", "build_app", "build_services"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``."""

    database: Database
    cache: Cache
    products: ProductService
    catalog: CatalogCache

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "products": self.products, "catalog": self.catalog}


def build_services(settings: ProductsSettings) -> Services:
    database = Database(settings.database_url)
    cache = make_cache(settings.redis_url, settings.cache_namespace)
    products = ProductService()
    catalog = CatalogCache(cache, database, products, settings.cache_ttl_seconds)
    return Services(database, cache, products, catalog)


def build_app(settings: ProductsSettings, services: Services | None = None) -> FastAPI:
    """The products app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    return create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"database": services.database.ping, "cache": services.cache.ping},
        on_shutdown=[services.database.dispose, services.cache.close],
    )
