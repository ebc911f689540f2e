"""Tiny cart and products subgraphs for the orders tests, served in-process over httpx.

They answer ``_entities`` in the real subgraphs' shapes (cart's ``User.cart``, products'
``Product``), record the Authorization headers they receive, and can play "down".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from strawberry.types import Info

from tests.subgraphs.fakes import FakeSubgraph

__all__ = ["FakeCart", "FakeProducts", "Priced", "Stored"]


@dataclass
class Priced:
    name: str
    amount: int
    currency: str = "USD"


@dataclass
class Stored:
    """A user's cart as the fake cart keeps it: lines (product id, quantity) and a version."""

    lines: list[tuple[str, int]]
    version: int = 1


@strawberry.type
class Money:
    amount: int
    currency: str


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str
    price: Money

    @classmethod
    def resolve_reference(cls, info: Info, id: strawberry.ID) -> Product | None:
        item = info.context["state"].get(str(id))
        if item is None:
            return None
        return cls(id=id, name=item.name, price=Money(amount=item.amount, currency=item.currency))


@strawberry.federation.type(keys=[strawberry.federation.schema_directives.Key(
    fields="id", resolvable=False)])
class CartProduct:
    id: strawberry.ID


@strawberry.type
class CartItem:
    product: CartProduct
    quantity: int


@strawberry.type
class Cart:
    id: strawberry.ID
    version: int
    items: list[CartItem]


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field
    def cart(self, info: Info) -> Cart:
        if not info.context["request"].headers.get("authorization"):
            raise PermissionError("You must be signed in")  # as cart: the buyer's own cart
        stored = info.context["state"].get(str(self.id)) or Stored([], 0)
        items = [CartItem(product=CartProduct(id=strawberry.ID(p)), quantity=q)
                 for p, q in stored.lines]
        return Cart(id=strawberry.ID(f"user:{self.id}"), version=stored.version, items=items)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)


@strawberry.type
class Query:
    ping: bool = True


_SCHEMAS = {
    "cart": strawberry.federation.Schema(query=Query, types=[User]),
    "products": strawberry.federation.Schema(query=Query, types=[Product]),
}


@dataclass
class _Fake(FakeSubgraph):
    """One fake subgraph (``kind``) over ``state``; records requests and can be 'down'."""

    kind: str = ""
    state: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.serve(_SCHEMAS[self.kind], state=self.state)

    def authorizations(self) -> list[str | None]:
        return [request.headers.get("authorization") for request in self.requests]


@dataclass
class FakeCart(_Fake):
    kind: str = "cart"


@dataclass
class FakeProducts(_Fake):
    kind: str = "products"
