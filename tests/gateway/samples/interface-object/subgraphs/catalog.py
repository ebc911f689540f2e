"""Catalog: the Media entity interface and its implementations."""

import strawberry

MEDIA = {
    "b1": ("Book", "Dune", "Frank Herbert"),
    "m1": ("Movie", "Alien", "Ridley Scott"),
    "b2": ("Book", "Emma", "Jane Austen"),
}


@strawberry.federation.interface(keys=["id"])
class Media:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Media | None":
        return make(id)


@strawberry.federation.type(keys=["id"])
class Book(Media):
    author: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book | None":
        return make(id)


@strawberry.federation.type(keys=["id"])
class Movie(Media):
    director: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Movie | None":
        return make(id)


def make(id: str) -> Media | None:
    if id not in MEDIA:
        return None
    kind, title, who = MEDIA[id]
    if kind == "Book":
        return Book(id=strawberry.ID(id), title=title, author=who)
    return Movie(id=strawberry.ID(id), title=title, director=who)


@strawberry.type
class Query:
    @strawberry.field
    def media(self) -> list[Media]:
        return [make(i) for i in MEDIA]


schema = strawberry.federation.Schema(query=Query, types=[Book, Movie], federation_version="2.9")
