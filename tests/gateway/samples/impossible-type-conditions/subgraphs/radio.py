"""Radio: what is on air (songs and jingles: a union without podcast episodes here), and the
featured `Media`."""

from typing import Annotated

import strawberry


@strawberry.interface
class Media:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"], shareable=True)
class Book(Media):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(id=id, title={"b1": "Dune", "b2": "Emma"}[id])


@strawberry.federation.type(keys=["id"])
class Song(Media):
    title: str = strawberry.federation.field(shareable=True)
    plays: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Song":
        return Song(id=id, title="Blue", plays=7)


@strawberry.type
class Jingle:
    seconds: int = strawberry.federation.field(shareable=True)


OnAir = Annotated[Song | Jingle, strawberry.union("OnAir")]


@strawberry.type
class Query:
    @strawberry.federation.field(shareable=True)
    def featured(self) -> Media:
        return Book(id=strawberry.ID("b1"), title="Dune")

    @strawberry.field
    def on_air(self) -> list[OnAir]:
        return [Jingle(seconds=5), Song(id=strawberry.ID("s1"), title="Blue", plays=7)]


schema = strawberry.federation.Schema(query=Query, types=[Book, Song], federation_version="2.9")
