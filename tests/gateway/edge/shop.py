"""A one-subgraph shop whose fields carry @authenticated, @requiresScopes and @policy."""

from __future__ import annotations

from functools import cache

import httpx
import strawberry
from starlette.applications import Starlette
from starlette.routing import Mount
from strawberry.asgi import GraphQL
from strawberry.printer import print_schema
from strawberry.types import Info

from gateway.composition.compose import SubgraphSource, compose

__all__ = ["SECURE", "secure_supergraph", "secure_transport"]

ECHOED = ("authorization", "x-secret", "x-gateway-claims", "x-request-id", "x-forwarded-for")


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str
    price: int = strawberry.federation.field(requires_scopes=[["read:price"], ["admin"]])
    cost: int | None = strawberry.federation.field(authenticated=True)
    secret: str | None = strawberry.federation.field(policy=[["internal"]])


def _product(id: str) -> Product:
    return Product(id=strawberry.ID(id), name=f"Product {id}", price=100, cost=60, secret="s")


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [_product("p1"), _product("p2")]

    @strawberry.field
    def product(self, id: strawberry.ID) -> Product | None:
        return _product(id)

    @strawberry.field
    def headers(self, info: Info) -> str:
        received = info.context["request"].headers
        return "|".join(f"{name}={received.get(name, '')}" for name in ECHOED)

    @strawberry.federation.field(authenticated=True)
    def report(self) -> str | None:
        return "quarterly"

    @strawberry.field
    def big(self) -> str:
        return "x" * 5000


SECURE = strawberry.federation.Schema(query=Query, federation_version="2.9")


@cache
def secure_supergraph() -> str:
    source = SubgraphSource("secure", "http://secure/graphql", print_schema(SECURE))
    result = compose([source])
    assert result.supergraph is not None, result.errors
    return result.supergraph


def secure_transport() -> httpx.ASGITransport:
    """The subgraph in-process at http://secure/graphql."""
    app = Starlette(routes=[Mount("/", app=GraphQL(SECURE))])
    return httpx.ASGITransport(app=app)
