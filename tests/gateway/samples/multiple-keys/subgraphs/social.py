"""Social graph: knows users only by username."""

import strawberry

FOLLOWERS = {"ada": 120, "alan": 95, "grace": 310}


@strawberry.federation.type(keys=["username"])
class User:
    username: str

    @strawberry.field
    def followers(self) -> int:
        return FOLLOWERS[self.username]

    @classmethod
    def resolve_reference(cls, username: str) -> "User":
        return User(username=username)


@strawberry.type
class Query:
    @strawberry.field
    def trending(self) -> list[User]:
        return [User(username=u) for u in sorted(FOLLOWERS, key=lambda u: -FOLLOWERS[u])]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
