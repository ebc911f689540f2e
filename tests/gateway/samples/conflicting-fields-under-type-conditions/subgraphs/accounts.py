"""Accounts: users and admins in one list; a user's id is non-null here, an admin's is not."""

from typing import Annotated

import strawberry

USERS = ("u1", "u2")
ADMINS = ("a1", "a2")
SIMILAR = {"u1": ["a1", "u2"], "u2": ["u1"], "a1": ["u2", "a2"], "a2": []}


def account(id: str) -> "User | Admin":
    return User(id=strawberry.ID(id)) if id in USERS else Admin(id=strawberry.ID(id))


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field
    def similar_accounts(self) -> list["Account"]:
        return [account(other) for other in SIMILAR[self.id]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(id=id)


@strawberry.federation.type(keys=["id"])
class Admin:
    id: strawberry.ID | None

    @strawberry.field
    def similar_accounts(self) -> list["Account"]:
        return [account(other) for other in SIMILAR[self.id or ""]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Admin":
        return Admin(id=id)


Account = Annotated[User | Admin, strawberry.union("Account")]


@strawberry.type
class Query:
    @strawberry.field
    def accounts(self) -> list[Account]:
        return [account(id) for id in ("u1", "a1", "u2", "a2")]


# Strawberry does not look for entities inside unions: name them, or there is no _entities.
schema = strawberry.federation.Schema(query=Query, types=[User, Admin], federation_version="2.9")
