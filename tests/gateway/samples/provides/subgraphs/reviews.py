"""Reviews: knows authors' usernames as of review time, and says so with @provides."""

import strawberry


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    username: str = strawberry.federation.field(external=True)


@strawberry.type
class Review:
    body: str
    author: User = strawberry.federation.field(provides=["username"])


@strawberry.type
class Query:
    @strawberry.field
    def reviews(self) -> list[Review]:
        return [
            Review(body="Great", author=User(id=strawberry.ID("u1"), username="ada (reviews)")),
            Review(body="Fine", author=User(id=strawberry.ID("u2"), username="alan (reviews)")),
        ]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
