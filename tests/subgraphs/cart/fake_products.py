"""A tiny products subgraph for the cart tests: a ``Product`` entity whose price and stock the
test sets, served in-process, and switchable off to play "products is down"."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from strawberry.types import Info

from tests.subgraphs.fakes import FakeSubgraph

__all__ = ["FakeProducts", "Item"]


@dataclass
class Item:
    amount: int
    stock: int
    currency: str = "USD"
    name: str = ""  # empty: "Product <id>"


@strawberry.type
class Money:
    amount: int
    currency: str


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str
    price: Money
    stock: int

    @classmethod
    def resolve_reference(cls, info: Info, id: strawberry.ID) -> Product | None:
        item = info.context["catalog"].get(str(id))
        if item is None:
            return None
        return cls(id=id, name=item.name or f"Product {id}",
                   price=Money(amount=item.amount, currency=item.currency), stock=item.stock)


@strawberry.type
class Query:
    ping: bool = True


_SCHEMA = strawberry.federation.Schema(query=Query, types=[Product])


@dataclass
class FakeProducts(FakeSubgraph):
    """The fake products app; counts requests and can be 'down'."""

    catalog: dict[str, Item] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.serve(_SCHEMA, catalog=self.catalog)

    def asgi(self) -> object:
        """The fake as an ASGI app, to serve it over real TCP."""
        return self._inner.app
