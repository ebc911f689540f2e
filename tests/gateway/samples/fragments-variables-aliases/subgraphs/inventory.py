"""Inventory: stock per warehouse."""

import strawberry

STOCK = {"main": {"p1": 3, "p2": 0, "p3": 7}, "north": {"p1": 1, "p2": 5, "p3": 0}}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def stock(self, warehouse: str = "main") -> int:
        return STOCK[warehouse][self.id]

    @strawberry.field
    def stock_in(self, warehouses: list[str]) -> int:
        return sum(STOCK[w][self.id] for w in warehouses)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
