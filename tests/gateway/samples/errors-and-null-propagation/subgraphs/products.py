"""Products: names; some ids are unknown (their entity resolves to null)."""

import strawberry
from graphql import GraphQLError

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

    @strawberry.field
    def product_or_fail(self, id: strawberry.ID) -> Product | None:
        if id not in NAMES:
            raise GraphQLError(f"no product {id}", extensions={"code": "NOT_FOUND", "id": id})
        return Product(id=id)


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
