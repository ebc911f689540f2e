"""Legacy monolith: still declares every product field; some have moved elsewhere."""

import strawberry

NAMES = {"p1": "Chair", "p2": "Lamp"}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return NAMES[self.id]

    @strawberry.field
    def price(self) -> int:
        return -1  # stale: pricing owns prices now

    @strawberry.field
    def rating(self) -> int:
        return -1  # stale: reviews owns ratings when percent(100)

    @strawberry.field
    def stock(self) -> int:
        return 100 if self.id == "p1" else 200

    @strawberry.field
    def badge(self) -> str:
        return "legacy"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(i)) for i in NAMES]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
