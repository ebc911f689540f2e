"""Accounts: owns users' usernames and emails."""

import strawberry

USERS = {"u1": ("ada", "ada@example.com"), "u2": ("alan", "alan@example.com")}


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field
    def username(self) -> str:
        return USERS[self.id][0]

    @strawberry.field
    def email(self) -> str:
        return USERS[self.id][1]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(id=id)


schema = strawberry.federation.Schema(types=[User], federation_version="2.9")
