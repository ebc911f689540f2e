"""Reviews: points at authors by id but cannot resolve users itself (resolvable: false)."""

import strawberry
from strawberry.federation.schema_directives import Key


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)])
class User:
    id: strawberry.ID


@strawberry.type
class Review:
    body: str
    author: User


@strawberry.type
class Query:
    @strawberry.field
    def reviews(self) -> list[Review]:
        return [
            Review(body="Brilliant engine", author=User(id=strawberry.ID("u1"))),
            Review(body="Halting", author=User(id=strawberry.ID("u2"))),
            Review(body="Cobol forever", author=User(id=strawberry.ID("u3"))),
        ]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
