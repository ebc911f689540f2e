"""Profiles: the bridge between ids and usernames; resolvable by either key."""

import strawberry

USERNAMES = {"u1": "ada", "u2": "alan", "u3": "grace"}
BY_USERNAME = {v: k for k, v in USERNAMES.items()}


@strawberry.federation.type(keys=["id", "username"])
class User:
    id: strawberry.ID
    username: str

    @strawberry.field
    def handle(self) -> str:
        return f"@{self.username}"

    @classmethod
    def resolve_reference(cls, **key: str) -> "User | None":
        id = key.get("id") or BY_USERNAME.get(key.get("username", ""))
        return User(id=strawberry.ID(id), username=USERNAMES[id]) if id in USERNAMES else None


schema = strawberry.federation.Schema(types=[User], federation_version="2.9")
