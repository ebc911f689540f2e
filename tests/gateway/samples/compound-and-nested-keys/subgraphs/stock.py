"""Stock: quantities per sku and capacity per shelf, keyed exactly like the catalog."""

import strawberry

QUANTITY = {("A1", "EU"): 7, ("A1", "US"): 0, ("B2", "EU"): 42}
CAPACITY = {(1, "s1"): 30, (2, "s1"): 12, (1, "s2"): 5}


@strawberry.federation.type(keys=["code region"])
class Sku:
    code: str
    region: str

    @strawberry.field
    def quantity(self) -> int:
        return QUANTITY[(self.code, self.region)]

    @classmethod
    def resolve_reference(cls, code: str, region: str) -> "Sku":
        return Sku(code=code, region=region)


@strawberry.federation.type(keys=["id"])
class Store:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Store":
        return Store(id=id)


@strawberry.federation.type(keys=["number store { id }"])
class Shelf:
    number: int
    store: Store

    @strawberry.field
    def capacity(self) -> int:
        return CAPACITY[(self.number, self.store.id)]

    @classmethod
    def resolve_reference(cls, number: int, store: dict) -> "Shelf":
        return Shelf(number=number, store=Store(id=store["id"]))


@strawberry.type
class Query:
    @strawberry.field
    def empty_skus(self) -> list[Sku]:
        return [Sku(code=c, region=r) for (c, r), q in QUANTITY.items() if q == 0]

    @strawberry.field
    def shelf(self, number: int, store_id: strawberry.ID) -> Shelf | None:
        if (number, store_id) not in CAPACITY:
            return None
        return Shelf(number=number, store=Store(id=store_id))


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
