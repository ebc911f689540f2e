"""Codes: the stock code of every item, by item id."""

import strawberry

CODES = {"i1": "A-100", "i2": "B-200", "i3": "C-300"}


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def code(self) -> str | None:
        return CODES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Item":
        return Item(id=id)


schema = strawberry.federation.Schema(types=[Item], federation_version="2.9")
