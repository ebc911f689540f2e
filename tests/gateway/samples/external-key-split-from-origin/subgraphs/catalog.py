"""Catalog: owns books (ids and names); the only subgraph whose Book ids may be read."""

import strawberry

NAMES = {"b1": "Dune", "b2": "Emma", "b3": "Ulysses"}
LISTED = ["b1", None, "b2", "b1", "b3"]


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID
    name: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book | None":
        return Book(id=id, name=NAMES[id]) if id in NAMES else None


@strawberry.type
class Query:
    @strawberry.field
    def book(self, id: strawberry.ID) -> Book | None:
        return Book.resolve_reference(id)

    @strawberry.field
    def books(self) -> list[Book | None] | None:
        return [Book.resolve_reference(strawberry.ID(i)) if i else None for i in LISTED]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
