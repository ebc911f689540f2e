"""Dimensions: weights (shared with logistics) and nothing else."""

import strawberry

WEIGHTS = {"p1": 7, "p2": 2}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def weight(self) -> int:
        return WEIGHTS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
