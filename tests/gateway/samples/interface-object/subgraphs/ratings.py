"""Ratings: points at media by id (non-resolvable key) and knows nothing else about them."""

import strawberry
from strawberry.federation.schema_directives import Key


@strawberry.federation.interface_object(keys=[Key(fields="id", resolvable=False)])
class Media:
    id: strawberry.ID


@strawberry.type
class Rated:
    stars: int
    media: Media


@strawberry.type
class Query:
    @strawberry.field
    def top_rated(self) -> list[Rated]:
        return [
            Rated(stars=5, media=Media(id=strawberry.ID("m1"))),
            Rated(stars=4, media=Media(id=strawberry.ID("b2"))),
        ]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
