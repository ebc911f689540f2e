"""Pricing: prices, weights and the feed's size; products only through its own roots.

Its Product key is not resolvable: nobody can ask pricing for a product by id, so a price is
only ever read from pricing's `product` or `products` root fields.
"""

import strawberry
from strawberry.federation.schema_directives import Key

# The same products, in the same order and at the same positions, as catalog's roots return.
PRICES = {"p1": 4900, "p2": 2500, "p3": 12000}
WEIGHTS = {"p1": 7, "p2": 2}  # p3 has no info
LISTED = ["p1", None, "p2", "p1", "p3"]
FEATURED = "p2"


@strawberry.federation.type(shareable=True)
class Feed:
    size: int | None


@strawberry.federation.type(shareable=True)
class Info:
    weight: int | None


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)])
class Product:
    id: strawberry.ID

    @strawberry.field
    def price(self) -> int | None:
        return PRICES[self.id]

    @strawberry.federation.field(shareable=True)
    def info(self) -> Info | None:
        return Info(weight=WEIGHTS[self.id]) if self.id in WEIGHTS else None


def product(id: str | None) -> Product | None:
    return Product(id=strawberry.ID(id)) if id else None


@strawberry.type
class Query:
    @strawberry.federation.field(shareable=True)
    def feed(self) -> Feed | None:
        return Feed(size=3)

    @strawberry.federation.field(shareable=True)
    def product(self) -> Product | None:
        return product(FEATURED)

    @strawberry.federation.field(shareable=True)
    def products(self) -> list[Product | None] | None:
        return [product(i) for i in LISTED]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
