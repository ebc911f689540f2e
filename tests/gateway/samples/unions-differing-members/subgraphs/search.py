"""Search: results are books and authors."""

from typing import Annotated

import strawberry

BOOKS = {"b1": "Dune", "b2": "Emma"}
AUTHORS = {"a1": "Frank Herbert"}


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID
    title: str

    @strawberry.field
    def related(self) -> list["Result"]:
        other = "b2" if self.id == "b1" else "b1"
        return [
            Author(id=strawberry.ID("a1"), name=AUTHORS["a1"]),
            Book(id=strawberry.ID(other), title=BOOKS[other]),
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(id=id, title=BOOKS[id])


@strawberry.federation.type(keys=["id"])
class Author:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Author":
        return Author(id=id, name=AUTHORS[id])


Result = Annotated[Book | Author, strawberry.union("Result")]


@strawberry.type
class Query:
    @strawberry.field
    def search(self, text: str) -> list[Result]:
        hits: list = [Book(id=strawberry.ID(i), title=t) for i, t in BOOKS.items() if text in t]
        hits += [Author(id=strawberry.ID(i), name=n) for i, n in AUTHORS.items() if text in n]
        return hits


# Strawberry does not look for entities inside unions: name them, or there is no _entities.
schema = strawberry.federation.Schema(query=Query, types=[Book, Author], federation_version="2.9")
