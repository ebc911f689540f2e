"""Stationery: desks with their owner; here `Desk.pen` is the object type `Pen`.

Its `Item` union is `Pen | Cup`: it has never heard of `Lamp`, and inside `pen` (a `Pen`) a
fragment on `Cup` does not validate either.
"""

from typing import Annotated

import strawberry

# Shared with lighting: what is on each desk, and which desks are listed, in order.
ON_DESK = {"d1": ("pen1", "pen1"), "d2": ("pen2", "pen3"), "d3": (None, "pen2")}
LISTED = ["d1", None, "d2", "d1", "d3"]
FEATURED = "d2"
LABELS = {"pen1": "Fountain pen", "pen2": "Ballpoint", "pen3": "Marker", "cup1": "Mug"}
OWNERS = {"d1": "Ada", "d2": "Grace", "d3": "Alan"}


@strawberry.federation.type(keys=["id"])
class Pen:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def label(self) -> str | None:
        return LABELS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Pen":
        return Pen(id=id)


@strawberry.federation.type(keys=["id"])
class Cup:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def label(self) -> str | None:
        return LABELS[self.id]

    @strawberry.field
    def volume(self) -> int | None:
        return 300

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Cup":
        return Cup(id=id)


Item = Annotated[Pen | Cup, strawberry.union("Item")]


def pen(id: str | None) -> Pen | None:
    return Pen(id=strawberry.ID(id)) if id else None


@strawberry.type
class Desk:
    key: strawberry.Private[str]

    @strawberry.federation.field(shareable=True)
    def item(self) -> Item | None:
        return pen(ON_DESK[self.key][0])

    @strawberry.federation.field(shareable=True)
    def pen(self) -> Pen | None:
        return pen(ON_DESK[self.key][1])

    @strawberry.field
    def owner(self) -> str | None:
        return OWNERS[self.key]


def desk(key: str | None) -> Desk | None:
    return Desk(key=key) if key else None


@strawberry.type
class Query:
    @strawberry.federation.field(shareable=True)
    def desk(self) -> Desk | None:
        return desk(FEATURED)

    @strawberry.federation.field(shareable=True)
    def desks(self) -> list[Desk | None] | None:
        return [desk(key) for key in LISTED]


schema = strawberry.federation.Schema(query=Query, types=[Pen, Cup], federation_version="2.9")
