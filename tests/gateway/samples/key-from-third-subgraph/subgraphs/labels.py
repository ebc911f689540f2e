"""Labels: a box's label, found by what is in it: `@key(fields: "items { id code }")`.

A representation whose codes are missing or wrong matches no label and fails loudly, so a plan
that jumps here before the codes are fetched (from `codes`) shows in the response.
"""

import strawberry
from strawberry.federation.schema_directives import Key

LABELS = {
    (("i1", "A-100"), ("i2", "B-200")): "Kettle and mugs",
    (("i3", "C-300"), ("i1", "A-100")): "Teapot and kettle",
    (): "Empty",
}


@strawberry.federation.type(keys=[Key(fields="id code", resolvable=False)])
class Item:
    id: strawberry.ID
    code: str | None = strawberry.federation.field(shareable=True)


@strawberry.federation.type(keys=["items { id code }"])
class Box:
    items: list[Item] = strawberry.federation.field(shareable=True)

    @strawberry.field
    def label(self) -> str | None:
        contents = tuple((item.id, item.code) for item in self.items)
        if contents not in LABELS:
            raise ValueError(f"no box holds {contents}")
        return LABELS[contents]

    @classmethod
    def resolve_reference(cls, items: list[dict]) -> "Box":
        return Box(items=[Item(id=item["id"], code=item.get("code")) for item in items])


schema = strawberry.federation.Schema(types=[Box], federation_version="2.9")
