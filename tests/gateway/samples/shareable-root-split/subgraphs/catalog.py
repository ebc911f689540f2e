"""Catalog: owns products (names, colours) and the feed's titles; shares the root fields."""

import strawberry

# The same products, in the same order and at the same positions, as pricing's roots return.
NAMES = {"p1": "Chair", "p2": "Lamp", "p3": "Desk"}
COLORS = {"p1": "oak", "p2": "brass"}  # p3 has no info
LISTED = ["p1", None, "p2", "p1", "p3"]
FEATURED = "p2"


@strawberry.federation.type(shareable=True)
class Feed:
    title: str | None


@strawberry.federation.type(shareable=True)
class Info:
    color: str | None


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str | None

    @strawberry.federation.field(shareable=True)
    def info(self) -> Info | None:
        return Info(color=COLORS[self.id]) if self.id in COLORS else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id, name=NAMES[id])


def product(id: str | None) -> Product | None:
    return Product.resolve_reference(strawberry.ID(id)) if id else None


@strawberry.type
class Query:
    @strawberry.federation.field(shareable=True)
    def feed(self) -> Feed | None:
        return Feed(title="Spring sale")

    @strawberry.federation.field(shareable=True)
    def product(self) -> Product | None:
        return product(FEATURED)

    @strawberry.federation.field(shareable=True)
    def products(self) -> list[Product | None] | None:
        return [product(i) for i in LISTED]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
