"""Products: owns weights, dimensions and prices in several currencies."""

import strawberry

DATA = {
    "p1": ("Desk", 20, "L", 30000),
    "p2": ("Pen", 1, "S", 250),
    "p3": ("Shelf", 12, "M", 9900),
}
RATES = {"EUR": 100, "USD": 110}


@strawberry.federation.type(shareable=True)
class Dimensions:
    size: str
    weight: int


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return DATA[self.id][0]

    @strawberry.field
    def weight(self) -> int:
        return DATA[self.id][1]

    @strawberry.field
    def dimensions(self) -> Dimensions:
        return Dimensions(size=DATA[self.id][2], weight=DATA[self.id][1])

    @strawberry.field
    def price(self, currency: str = "EUR") -> int:
        return DATA[self.id][3] * RATES[currency] // 100

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(i)) for i in DATA]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
