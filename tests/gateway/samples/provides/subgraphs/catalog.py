"""Catalog: owns books and movies, both implementing the Media interface."""

import strawberry

BOOKS = {"b1": ("Dune", "Frank Herbert"), "b2": ("Emma", "Jane Austen")}
MOVIES = {"m1": ("Alien", "Ridley Scott")}


@strawberry.interface
class Media:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"])
class Book(Media):
    author: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(id=id, title=BOOKS[id][0], author=BOOKS[id][1])


@strawberry.federation.type(keys=["id"])
class Movie(Media):
    director: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Movie":
        return Movie(id=id, title=MOVIES[id][0], director=MOVIES[id][1])


@strawberry.type
class Query:
    @strawberry.field
    def media(self) -> list[Media]:
        books = [Book.resolve_reference(strawberry.ID(i)) for i in BOOKS]
        return [*books, *(Movie.resolve_reference(strawberry.ID(i)) for i in MOVIES)]


schema = strawberry.federation.Schema(query=Query, types=[Book, Movie], federation_version="2.9")
