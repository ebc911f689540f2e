"""Warehouse: packaging weight per product."""

import strawberry

PACKAGING = {"p1": 5, "p2": 0, "p3": 2}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def packaging(self) -> int:
        return PACKAGING[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
