"""The shared harness: a migrated products app on a given database and cache, over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from subgraphs.kit.cache import Cache
from subgraphs.kit.identity import dev_issuer
from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import load_settings
from subgraphs.kit.tokens import Principal, issue_token
from subgraphs.products.app import Services, build_app, build_services
from subgraphs.products.config import MIGRATIONS_DIR, ProductsSettings
from subgraphs.products.seed import seed_catalogue
from tests.subgraphs.harness import bearer, counted_statements, post_graphql

__all__ = ["ADMIN", "CUSTOMER", "PRODUCT_FIELDS", "Harness", "StalledLoads", "count_queries",
           "open_harness", "stalled_loads"]

PRODUCT_FIELDS = "id sku name description price { amount currency } category stock"
ADMIN = Principal("admin-1", "admin@example.com", "Ada Admin", ("admin",))
CUSTOMER = Principal("cust-1", "cust@example.com", "Cy Customer", ("customer",))


@dataclass
class Harness:
    """One products app, its services and an HTTP client that talks to it in-process."""

    settings: ProductsSettings
    services: Services
    client: httpx.AsyncClient

    def token(self, principal: Principal) -> str:
        return issue_token(principal, dev_issuer(self.settings))[0]

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: str | None = None
    ) -> dict[str, Any]:
        """POST one operation; ``as_`` is "admin", "customer" or None (anonymous)."""
        who = None if as_ is None else ADMIN if as_ == "admin" else CUSTOMER
        headers = bearer(who, self.settings)
        return await post_graphql(self.client, query, variables, headers)

    async def seed(self) -> int:
        async with self.services.database.transaction() as session:
            return await seed_catalogue(session, self.services.products)

    async def create(self, **fields: Any) -> dict[str, Any]:
        """Create a product as admin; returns it (raises on GraphQL errors)."""
        product = {"sku": "SKU-1", "name": "Widget", "description": "A useful widget",
                   "price": {"amount": 1000, "currency": "USD"}, "category": "Gadgets",
                   "stock": 10, **fields}
        result = await self.gql(
            f"mutation($p: ProductInput!) {{ createProduct(input: $p) {{ {PRODUCT_FIELDS} }} }}",
            {"p": product}, as_="admin",
        )
        assert "errors" not in result, result
        return result["data"]["createProduct"]


@asynccontextmanager
async def open_harness(database_url: str, cache: Cache | None = None) -> AsyncIterator[Harness]:
    """Migrate ``database_url``, wire the app (memory cache unless given) and serve it."""
    await upgrade_async(MIGRATIONS_DIR, database_url)
    settings = load_settings(ProductsSettings, "products", database_url=database_url,
                             environment="test")
    services = build_services(settings, cache)
    app = build_app(settings, services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://products") as client:
        try:
            yield Harness(settings, services, client)
        finally:
            await services.cache.close()
            await services.database.dispose()


count_queries = counted_statements  # every SQL statement an engine sends in the block


@dataclass
class StalledLoads:
    """The first catalog load sets ``stalled`` once it has read its rows, then waits for
    ``release`` before handing them to the cache; later loads run straight through."""

    stalled: asyncio.Event
    release: asyncio.Event


@contextmanager
def stalled_loads(services: Services) -> Iterator[StalledLoads]:
    """Stall the first database load behind the catalog cache (a reader holding old rows)."""
    gate = StalledLoads(asyncio.Event(), asyncio.Event())
    real_get_many = services.products.get_many

    async def slow_get_many(session, ids):  # type: ignore[no-untyped-def]
        rows = await real_get_many(session, ids)
        if not gate.stalled.is_set():
            gate.stalled.set()
            await gate.release.wait()
        return rows

    services.products.get_many = slow_get_many  # type: ignore[method-assign]
    try:
        yield gate
    finally:
        services.products.get_many = real_get_many  # type: ignore[method-assign]
