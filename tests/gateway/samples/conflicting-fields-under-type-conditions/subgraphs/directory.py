"""Directory: a user's name too, which may be null here, so the supergraph says `String`."""

import strawberry

NAMES = {"u1": "Ada", "u2": "Brian"}


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str | None = strawberry.federation.field(shareable=True)
    office: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(id=id, name=NAMES.get(id), office=f"room-{id}")


schema = strawberry.federation.Schema(types=[User], federation_version="2.9")
