"""Catalog: owns products and their names and prices."""

import strawberry

PRODUCTS = {
    "p1": ("Chair", 4900),
    "p2": ("Table", 12900),
    "p3": ("Lamp", 2500),
    "p4": ("Rug", 8000),
}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str
    price: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product | None":
        return make(id)


def make(id: str) -> Product | None:
    if id not in PRODUCTS:
        return None
    name, price = PRODUCTS[id]
    return Product(id=strawberry.ID(id), name=name, price=price)


@strawberry.type
class Query:
    @strawberry.field
    def products(self, first: int = 10) -> list[Product]:
        return [make(i) for i in list(PRODUCTS)[:first]]

    @strawberry.field
    def product(self, id: strawberry.ID) -> Product | None:
        return make(id)

    @strawberry.field
    def catalogue(self, size: int) -> list[Product]:
        """A long generated list: batching must not depend on its length."""
        return [Product(id=strawberry.ID(f"g{i}"), name=f"Item {i}", price=i) for i in range(size)]

    @strawberry.field
    def grid(self) -> list[list[Product | None] | None]:
        """Lists of lists, with null rows and cells: entity paths two lists deep."""
        return [[make("p1"), make("p2")], None, [], [make("p4"), None, make("p1")]]

    @strawberry.field
    def products_by_ids(self, ids: list[strawberry.ID]) -> list[Product | None]:
        return [make(i) for i in ids]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
