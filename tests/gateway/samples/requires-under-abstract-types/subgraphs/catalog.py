"""Catalog: items behind an interface and a union, with weights and fragility."""

from typing import Annotated

import strawberry

ITEMS = {"b1": ("Book", 1, False), "g1": ("Gadget", 3, True), "g2": ("Gadget", 2, False)}


@strawberry.interface
class Item:
    id: strawberry.ID
    weight: int


@strawberry.federation.type(keys=["id"])
class Book(Item):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(id=id, weight=ITEMS[id][1])


@strawberry.federation.type(keys=["id"])
class Gadget(Item):
    fragile: bool

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Gadget":
        return Gadget(id=id, weight=ITEMS[id][1], fragile=ITEMS[id][2])


Thing = Annotated[Book | Gadget, strawberry.union("Thing")]


def make(id: str) -> Item:
    cls = Book if ITEMS[id][0] == "Book" else Gadget
    return cls.resolve_reference(strawberry.ID(id))


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [make(i) for i in ITEMS]

    @strawberry.field
    def things(self) -> list[Thing]:
        return [make(i) for i in reversed(ITEMS)]


schema = strawberry.federation.Schema(query=Query, types=[Book, Gadget], federation_version="2.9")
