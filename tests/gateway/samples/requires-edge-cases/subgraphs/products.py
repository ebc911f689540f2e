"""Products: prices per currency, weights, categories and each product's packed detail (a box,
a tube, or a secret: a type, and a field, hidden from clients)."""

import strawberry

BASE = {"p1": 100, "p2": 300, "p3": 50}
WEIGHT = {"p1": 2, "p2": 1, "p3": 10}
CATEGORY = {"p1": "c1", "p2": "c2", "p3": "c1"}
AVERAGE = {"c1": 50, "c2": 200}


def in_currency(amount: int, currency: str) -> int:
    return amount * 11 // 10 if currency == "USD" else amount


@strawberry.interface
class Detail:
    label: str


@strawberry.interface
class Sized(Detail):
    size: int


@strawberry.federation.type(shareable=True)
class Box(Sized):
    depth: int


@strawberry.federation.type(shareable=True)
class Tube(Sized):
    length: int


@strawberry.federation.type(shareable=True, inaccessible=True)
class Secret(Detail):
    code: int


DETAIL: dict[str, Detail] = {
    "p1": Box(label="box", size=3, depth=4),
    "p2": Tube(label="tube", size=5, length=9),
    "p3": Secret(label="secret", code=7),
}


@strawberry.type
class Category:
    id: strawberry.ID

    @strawberry.field
    def average_price(self, currency: str) -> int:
        return in_currency(AVERAGE[self.id], currency)


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def price(self, currency: str = "EUR") -> int:
        return in_currency(BASE[self.id], currency)

    @strawberry.field
    def weight(self) -> int:
        return WEIGHT[self.id]

    @strawberry.field
    def category(self) -> Category | None:
        return Category(id=strawberry.ID(CATEGORY[self.id]))

    @strawberry.federation.field(inaccessible=True)
    def detail(self) -> Detail | None:
        return DETAIL[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(id)) for id in BASE]


schema = strawberry.federation.Schema(
    query=Query, types=[Box, Tube, Secret], federation_version="2.9"
)
