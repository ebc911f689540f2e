"""Catalog: owns products; name and price are shared with search."""

import strawberry

PRODUCTS = {"p1": ("Chair", 4900, "plain"), "p2": ("Lamp", 2500, "brass")}


@strawberry.federation.type(shareable=True)
class Money:
    amount: int
    currency: str


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    price: Money = strawberry.federation.field(shareable=True)
    finish: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        name, amount, finish = PRODUCTS[id]
        return Product(id=id, name=name, price=Money(amount=amount, currency="EUR"), finish=finish)


@strawberry.type
class Query:
    @strawberry.field
    def catalog(self) -> list[Product]:
        return [Product.resolve_reference(strawberry.ID(i)) for i in PRODUCTS]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
