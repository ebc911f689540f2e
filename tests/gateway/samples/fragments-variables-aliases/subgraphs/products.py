"""Products: names, prices in several currencies, tags."""

import strawberry

PRODUCTS = {
    "p1": ("Chair", 4900, ["wood", "seat", "indoor"]),
    "p2": ("Lamp", 2500, ["light"]),
    "p3": ("Rug", 8000, []),
}
RATES = {"EUR": 100, "USD": 110, "GBP": 85}


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
    def product(self, id: strawberry.ID) -> Product | None:
        return Product(id=id) if id in PRODUCTS else None


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
