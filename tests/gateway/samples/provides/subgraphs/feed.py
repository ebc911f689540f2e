"""Feed: a curated list with denormalised (upper-cased) titles, provided to the gateway."""

from typing import Annotated

import strawberry


@strawberry.interface
class Media:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"])
class Book(Media):
    title: str = strawberry.federation.field(external=True)


@strawberry.federation.type(keys=["id"])
class Movie(Media):
    title: str = strawberry.federation.field(external=True)


Pick = Annotated[Book | Movie, strawberry.union("Pick")]


@strawberry.type
class Query:
    @strawberry.federation.field(provides=["... on Book { title } ... on Movie { title }"])
    def featured(self) -> list[Media]:
        return [
            Movie(id=strawberry.ID("m1"), title="ALIEN"),
            Book(id=strawberry.ID("b1"), title="DUNE"),
        ]

    @strawberry.federation.field(provides=["... on Book { title }"])
    def picks(self) -> list[Pick]:
        return [
            Book(id=strawberry.ID("b2"), title="EMMA"),
            Movie(id=strawberry.ID("m1"), title="ALIEN"),
        ]


schema = strawberry.federation.Schema(query=Query, types=[Book, Movie], federation_version="2.9")
