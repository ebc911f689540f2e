"""The shared harness: the cart app on a given store, the fake products, an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis

from subgraphs.cart.app import Services, build_app, build_services
from subgraphs.cart.config import CartSettings
from subgraphs.kit.settings import load_settings
from subgraphs.kit.tokens import Principal
from tests.subgraphs.cart.fake_products import FakeProducts, Item
from tests.subgraphs.harness import bearer, post_graphql, serve

__all__ = [
    "ADA",
    "ADMIN",
    "BOB",
    "CART_FIELDS",
    "Harness",
    "cart_settings",
    "errors_of",
    "open_harness",
]

ADA = Principal("user-ada", "ada@example.com", "Ada", ("customer",))
BOB = Principal("user-bob", "bob@example.com", "Bob", ("customer",))
ADMIN = Principal("user-admin", "admin@example.com", "Admin", ("admin",))
CART_FIELDS = (
    "id version items { product { id } quantity unitPrice { amount currency } "
    "lineTotal { amount currency } } total { amount currency }"
)
ADD = (
    "mutation($p: ID!, $q: Int!) "
    f"{{ addToCart(productId: $p, quantity: $q) {{ {CART_FIELDS} }} }}"
)


def cart_settings(redis_url: str = "", namespace: str = "cart", **overrides: Any) -> CartSettings:
    """Test settings: the given store, no Kafka consumer."""
    options = {"environment": "test", "consume_order_events": False, **overrides}
    return load_settings(
        CartSettings, "cart", redis_url=redis_url, cart_namespace=namespace, **options
    )


@dataclass
class Harness:
    """One cart app (lifespan running), its services, the fake products and a client."""

    settings: CartSettings
    services: Services
    products: FakeProducts
    client: httpx.AsyncClient

    def stock(self, product_id: str, amount: int, stock: int, currency: str = "USD",
              name: str = "") -> None:
        """Put a product in the fake catalog (or change its price, stock and name)."""
        self.products.catalog[product_id] = Item(amount, stock, currency, name)

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: Principal | None = None,
        cart_id: str | None = None,
    ) -> dict[str, Any]:
        """POST one operation as ``user`` (a bearer token) and/or a guest cart (X-Cart-Id)."""
        headers = bearer(user, self.settings)
        if cart_id is not None:
            headers["x-cart-id"] = cart_id
        return await post_graphql(self.client, query, variables, headers)

    async def add(self, product_id: str, quantity: int, **who: Any) -> dict[str, Any]:
        """The raw result of addToCart."""
        return await self.gql(ADD, {"p": product_id, "q": quantity}, **who)

    async def added(self, product_id: str, quantity: int, **who: Any) -> dict[str, Any]:
        """addToCart's Cart (fails the test on errors)."""
        result = await self.add(product_id, quantity, **who)
        assert "errors" not in result, result
        return result["data"]["addToCart"]

    async def my_cart(self, **who: Any) -> dict[str, Any] | None:
        result = await self.gql(f"{{ cart {{ {CART_FIELDS} }} }}", **who)
        assert "errors" not in result, result
        return result["data"]["cart"]


def errors_of(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(code, field) of each GraphQL error in ``result``."""
    return [(e["extensions"]["code"], e["extensions"].get("field")) for e in result["errors"]]


@asynccontextmanager
async def open_harness(settings: CartSettings) -> AsyncIterator[Harness]:
    """Wire the app to the fake products, run its lifespan and serve it in-process."""
    products = FakeProducts()
    services = build_services(settings, products_client=products.client())
    app = build_app(settings, services)
    try:
        async with serve(app, "http://cart") as client:
            yield Harness(settings, services, products, client)
    finally:
        await forget_namespace(settings)


async def forget_namespace(settings: CartSettings) -> None:
    """Delete the test's keys from the shared Redis."""
    if not settings.redis_url:
        return
    redis = Redis.from_url(settings.redis_url)
    try:
        keys = [key async for key in redis.scan_iter(f"{settings.cart_namespace}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()
