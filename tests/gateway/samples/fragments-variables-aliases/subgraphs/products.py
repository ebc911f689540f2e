"""Products: names, prices in several currencies, tags."""

from enum import Enum

import strawberry

PRODUCTS = {
    "p1": ("Chair", 4900, ["wood", "seat", "indoor"]),
    "p2": ("Lamp", 2500, ["light"]),
    "p3": ("Rug", 8000, []),
}
RATES = {"EUR": 100, "USD": 110, "GBP": 85}


@strawberry.enum
class Sort(Enum):
    NAME = "name"
    PRICE = "price"


@strawberry.input
class ProductFilter:
    min_price: int = 0
    tags: list[str] | None = None
    sort: Sort = Sort.NAME


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return PRODUCTS[self.id][0]

    @strawberry.field
    def price(self, currency: str = "EUR") -> int:
        return PRODUCTS[self.id][1] * RATES[currency] // 100

    @strawberry.field
    def tags(self, limit: int | None = None) -> list[str]:
        return PRODUCTS[self.id][2][:limit]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def products(self, first: int = 10) -> list[Product]:
        return [Product(id=strawberry.ID(i)) for i in list(PRODUCTS)[:first]]

    @strawberry.field
    def find(self, filter: ProductFilter) -> list[Product]:
        hits = [
            i
            for i, (_, price, tags) in PRODUCTS.items()
            if price >= filter.min_price and (filter.tags is None or set(filter.tags) & set(tags))
        ]
        key = 0 if filter.sort == Sort.NAME else 1
        return [Product(id=strawberry.ID(i)) for i in sorted(hits, key=lambda i: PRODUCTS[i][key])]

    @strawberry.field
    def product(self, id: strawberry.ID) -> Product | None:
        return Product(id=id) if id in PRODUCTS else None


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
