"""Pricing: took Product.price over from legacy (plain @override)."""

import strawberry

PRICES = {"p1": 4900, "p2": 2500}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.federation.field(override="legacy")
    def price(self) -> int:
        return PRICES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def cheapest(self) -> Product:
        return Product(id=strawberry.ID(min(PRICES, key=PRICES.__getitem__)))


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
