"""Users: who is asking."""

import strawberry


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(id=id, name={"u1": "Ada", "u2": "Alan"}[id])


@strawberry.type
class Query:
    @strawberry.field
    def me(self) -> User:
        return User.resolve_reference(strawberry.ID("u1"))

    @strawberry.field
    def users(self) -> list[User]:
        return [User.resolve_reference(strawberry.ID(i)) for i in ("u1", "u2")]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
