"""Boxes: lists boxes, each known by the ids of the items in it (`@key(fields: "items { id }")`)."""

import strawberry

# Shared with labels: which items each box holds, in order.
CONTENTS = {"bx1": ["i1", "i2"], "bx2": ["i3", "i1"], "bx3": []}
LISTED = ["bx1", None, "bx2", "bx1", "bx3"]
FEATURED = "bx2"


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Item":
        return Item(id=id)


@strawberry.federation.type(keys=["items { id }"])
class Box:
    items: list[Item] = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, items: list[dict]) -> "Box":
        return Box(items=[Item(id=item["id"]) for item in items])


def box(key: str | None) -> Box | None:
    return Box(items=[Item(id=strawberry.ID(i)) for i in CONTENTS[key]]) if key else None


@strawberry.type
class Query:
    @strawberry.field
    def box(self) -> Box | None:
        return box(FEATURED)

    @strawberry.field
    def boxes(self) -> list[Box | None] | None:
        return [box(key) for key in LISTED]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
