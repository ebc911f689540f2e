"""A small shop of Strawberry subgraphs served in-process, composed, behind our gateway.

The subgraphs run as ASGI apps behind one ``httpx.ASGITransport`` (``http://shop/<name>/``),
so tests need no port; ``calls`` counts the requests each subgraph received.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from functools import cache
from typing import Any

import httpx
import strawberry
from starlette.applications import Starlette
from starlette.routing import Mount
from strawberry.asgi import GraphQL
from strawberry.printer import print_schema
from strawberry.types import Info

from gateway.app import create_app
from gateway.composition.compose import SubgraphSource, compose
from gateway.config import GatewayConfig

__all__ = ["Shop", "shop_supergraph"]

NAMES = {"p1": "Chair", "p2": "Lamp", "p3": "Rug"}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return Product(id=id, name=NAMES.get(id, "?"))


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(i), name=n) for i, n in NAMES.items()]

    @strawberry.field
    def product(self, id: strawberry.ID) -> Product | None:
        return Product(id=id, name=NAMES[id]) if id in NAMES else None

    @strawberry.field
    def whoami(self, info: Info) -> str:
        headers = info.context["request"].headers
        return f"{headers.get('authorization')}|{headers.get('x-secret')}"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def rename(self, id: strawberry.ID, name: str) -> Product:
        return Product(id=id, name=name)


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def renamed(self) -> AsyncIterator[Product]:
        yield Product(id=strawberry.ID("p1"), name="Seat")


PRODUCTS = strawberry.federation.Schema(
    query=Query, mutation=Mutation, subscription=Subscription, federation_version="2.9"
)


def _inventory_schema() -> strawberry.federation.Schema:
    @strawberry.federation.type(keys=["id"], name="Product")
    class InventoryProduct:
        id: strawberry.ID
        stock: int

        @classmethod
        def resolve_reference(cls, id: strawberry.ID) -> InventoryProduct:
            if id == "p2":
                raise ValueError("no stock figure for p2")
            return InventoryProduct(id=id, stock=len(NAMES.get(id, "")))

    return strawberry.federation.Schema(types=[InventoryProduct], federation_version="2.9")


SCHEMAS = {"products": PRODUCTS, "inventory": _inventory_schema()}


@cache
def shop_supergraph() -> str:
    """The shop's supergraph, composed by our own composition."""
    sources = [SubgraphSource(name, f"http://shop/{name}/graphql", print_schema(schema))
               for name, schema in SCHEMAS.items()]
    result = compose(sources)
    assert result.supergraph is not None, result.errors
    return result.supergraph


class Shop:
    """The shop's subgraphs plus a gateway app over them."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        routes = [Mount(f"/{name}", app=GraphQL(schema)) for name, schema in SCHEMAS.items()]
        self.transport = httpx.ASGITransport(app=self._counting(Starlette(routes=routes)))

    def _counting(self, app: Any) -> Any:
        async def counted(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.calls[scope["path"].split("/")[1]] += 1
            await app(scope, receive, send)
        return counted

    def app(self, config: GatewayConfig | None = None) -> Starlette:
        return create_app(shop_supergraph(), config=config, transport=self.transport)
