"""Legacy: the Product interface, books and gadgets, with (partly stale) prices."""

import strawberry

ITEMS = {"b1": ("Book", "Dune", -1), "g1": ("Gadget", "Radio", 3500), "b2": ("Book", "Emma", -1)}


@strawberry.interface
class Product:
    id: strawberry.ID
    title: str
    price: int


@strawberry.federation.type(keys=["id"])
class Book(Product):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return make(id)


@strawberry.federation.type(keys=["id"])
class Gadget(Product):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Gadget":
        return make(id)


def make(id: str) -> Product:
    kind, title, price = ITEMS[id]
    return (Book if kind == "Book" else Gadget)(id=strawberry.ID(id), title=title, price=price)


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [make(i) for i in ITEMS]


schema = strawberry.federation.Schema(query=Query, types=[Book, Gadget], federation_version="2.9")
