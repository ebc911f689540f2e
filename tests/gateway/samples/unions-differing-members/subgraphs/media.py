"""Media: recommendations are books (with a format) and podcasts, which only it knows."""

from typing import Annotated

import strawberry

FORMATS = {"b1": "paperback", "b2": "audiobook"}


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID

    @strawberry.field
    def format(self) -> str:
        return FORMATS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(id=id)


@strawberry.type
class Podcast:
    id: strawberry.ID
    host: str


Result = Annotated[Book | Podcast, strawberry.union("Result")]


@strawberry.type
class Query:
    @strawberry.field
    def recommended(self) -> list[Result]:
        return [
            Podcast(id=strawberry.ID("pod1"), host="Terry"),
            Book(id=strawberry.ID("b2")),
            Book(id=strawberry.ID("b1")),
        ]


# Strawberry does not look for entities inside unions: name them, or there is no _entities.
schema = strawberry.federation.Schema(query=Query, types=[Book], federation_version="2.9")
