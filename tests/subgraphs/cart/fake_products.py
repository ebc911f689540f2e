"""A tiny products subgraph for the cart tests: a ``Product`` entity whose price and stock the
test sets, served in-process, and switchable off to play "products is down"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import strawberry
from strawberry.asgi import GraphQL
from strawberry.types import Info

__all__ = ["FakeProducts", "Item"]


@dataclass
class Item:
    amount: int
    stock: int
    currency: str = "USD"


@strawberry.type
class Money:
    amount: int
    currency: str


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    price: Money
    stock: int

    @classmethod
    def resolve_reference(cls, info: Info, id: strawberry.ID) -> Product | None:
        item = info.context["catalog"].get(str(id))
        if item is None:
            return None
        return cls(id=id, price=Money(amount=item.amount, currency=item.currency),
                   stock=item.stock)


@strawberry.type
class Query:
    ping: bool = True


_SCHEMA = strawberry.federation.Schema(query=Query, types=[Product])


class _App(GraphQL):
    def __init__(self, catalog: dict[str, Item]) -> None:
        super().__init__(_SCHEMA)
        self.catalog = catalog

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"catalog": self.catalog, "request": request}


@dataclass
class FakeProducts(httpx.AsyncBaseTransport):
    """An httpx transport to the fake products app that counts requests and can be 'down'."""

    catalog: dict[str, Item] = field(default_factory=dict)
    down: bool = False
    requests: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._inner = httpx.ASGITransport(app=_App(self.catalog))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self._inner.handle_async_request(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self)
