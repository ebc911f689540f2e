"""Products: names; some ids are unknown (their entity resolves to null)."""

import strawberry

NAMES = {"p1": "Chair", "p2": "Lamp", "p3": "Rug"}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return NAMES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product | None":
        return Product(id=id) if id in NAMES else None


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(i)) for i in NAMES]

    @strawberry.field
    def top_products(self) -> list[Product | None]:
        return [Product(id=strawberry.ID(i)) for i in NAMES]

    @strawberry.field
    def product(self, id: strawberry.ID) -> Product | None:
        return Product(id=id) if id in NAMES else None

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError("products is broken today")


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
