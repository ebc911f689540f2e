"""Lighting: desks with their lamp; here `Desk.pen` is the union `Item = Pen | Lamp`.

It has never heard of `Cup`: a fragment on it must not be sent here.
"""

from typing import Annotated

import strawberry

# Shared with stationery: what is on each desk, and which desks are listed, in order.
ON_DESK = {"d1": ("pen1", "pen1"), "d2": ("pen2", "pen3"), "d3": (None, "pen2")}
LISTED = ["d1", None, "d2", "d1", "d3"]
FEATURED = "d2"
LABELS = {"pen1": "Fountain pen", "pen2": "Ballpoint", "pen3": "Marker", "lamp1": "Desk lamp"}
INK = {"pen1": "blue", "pen2": "black", "pen3": "red"}
LAMPS = {"d1": "lamp1", "d2": None, "d3": "lamp1"}


@strawberry.federation.type(keys=["id"])
class Pen:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def label(self) -> str | None:
        return LABELS[self.id]

    @strawberry.field
    def ink(self) -> str | None:
        return INK[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Pen":
        return Pen(id=id)


@strawberry.federation.type(keys=["id"])
class Lamp:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def label(self) -> str | None:
        return LABELS[self.id]

    @strawberry.field
    def watts(self) -> int | None:
        return 40

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Lamp":
        return Lamp(id=id)


Item = Annotated[Pen | Lamp, strawberry.union("Item")]


def pen(id: str | None) -> Pen | None:
    return Pen(id=strawberry.ID(id)) if id else None


@strawberry.type
class Desk:
    key: strawberry.Private[str]

    @strawberry.federation.field(shareable=True)
    def item(self) -> Item | None:
        return pen(ON_DESK[self.key][0])

    @strawberry.federation.field(shareable=True)
    def pen(self) -> Item | None:
        return pen(ON_DESK[self.key][1])

    @strawberry.field
    def lamp(self) -> Lamp | None:
        lamp = LAMPS[self.key]
        return Lamp(id=strawberry.ID(lamp)) if lamp else None


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


schema = strawberry.federation.Schema(query=Query, types=[Pen, Lamp], federation_version="2.9")
