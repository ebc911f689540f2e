"""Podcasts: episodes are on air too, so the supergraph's `OnAir` has a member radio lacks."""

from typing import Annotated

import strawberry


@strawberry.federation.type(keys=["id"])
class Episode:
    id: strawberry.ID
    host: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Episode":
        return Episode(id=id, host="Terry")


@strawberry.type
class Jingle:
    seconds: int = strawberry.federation.field(shareable=True)


OnAir = Annotated[Episode | Jingle, strawberry.union("OnAir")]


@strawberry.type
class Query:
    @strawberry.field
    def next_up(self) -> list[OnAir]:
        return [Episode(id=strawberry.ID("e1"), host="Terry")]


schema = strawberry.federation.Schema(query=Query, types=[Episode], federation_version="2.9")
