"""Inventory: stock per media item, without knowing which kinds of media exist."""

import strawberry

STOCK = {"b1": 4, "m1": 0, "b2": 1}


@strawberry.federation.interface_object(keys=["id"])
class Media:
    id: strawberry.ID

    @strawberry.field
    def stock_count(self) -> int:
        return STOCK[self.id]

    @strawberry.field
    def stock_at(self, warehouse: str) -> int:
        return STOCK[self.id] + (10 if warehouse == "south" else 0)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Media":
        return Media(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def low_stock(self) -> list[Media]:
        return [Media(id=strawberry.ID(i)) for i in sorted(STOCK) if STOCK[i] < 2]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
