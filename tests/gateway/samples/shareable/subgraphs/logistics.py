"""Logistics: weights (shared with dimensions) and carriers (its own)."""

import strawberry

WEIGHTS = {"p1": 7, "p2": 2}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def weight(self) -> int:
        return WEIGHTS[self.id]

    @strawberry.field
    def carrier(self) -> str:
        return "freight" if WEIGHTS[self.id] > 5 else "parcel"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
