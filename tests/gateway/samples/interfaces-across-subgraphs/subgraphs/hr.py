"""HR: reporting lines between staff."""

import strawberry

MANAGER = {"s1": "s2", "s2": None}


@strawberry.federation.type(keys=["id"])
class Staff:
    id: strawberry.ID

    @strawberry.field
    def manager(self) -> "Staff | None":
        boss = MANAGER[self.id]
        return Staff(id=strawberry.ID(boss)) if boss else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Staff":
        return Staff(id=id)


schema = strawberry.federation.Schema(types=[Staff], federation_version="2.9")
