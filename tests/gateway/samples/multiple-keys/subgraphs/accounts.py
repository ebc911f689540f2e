"""Accounts: users by id, with their display name."""

import strawberry

NAMES = {"u1": "Ada Lovelace", "u2": "Alan Turing", "u3": "Grace Hopper"}


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User | None":
        return User(id=id, name=NAMES[id]) if id in NAMES else None


@strawberry.type
class Query:
    @strawberry.field
    def users(self) -> list[User]:
        return [User(id=strawberry.ID(i), name=n) for i, n in NAMES.items()]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
