"""Profiles: names and avatars; a user's name is non-null here, an admin's may be null."""

import strawberry

NAMES = {"u1": "Ada", "u2": "Brian", "a1": "Root", "a2": None}


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID | None
    name: str = strawberry.federation.field(shareable=True)

    @strawberry.field
    def avatar(self, size: int) -> str:
        return f"{self.id}-{size}.png"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(id=id, name=NAMES[id])


@strawberry.federation.type(keys=["id"])
class Admin:
    id: strawberry.ID | None

    @strawberry.field
    def name(self) -> str | None:
        if NAMES[self.id or ""] is None:
            raise ValueError(f"{self.id} has no name on record")
        return NAMES[self.id or ""]

    @strawberry.field
    def avatar(self, size: int) -> str:
        return f"{self.id}-admin-{size}.png"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Admin":
        return Admin(id=id)


schema = strawberry.federation.Schema(types=[User, Admin], federation_version="2.9")
