"""Catalog: skus by (code, region), shelves by (number, store id), with titles and labels."""

import strawberry

TITLES = {("A1", "EU"): "Kettle (EU plug)", ("A1", "US"): "Kettle (US plug)", ("B2", "EU"): "Mug"}
LABELS = {(1, "s1"): "Kitchen", (2, "s1"): "Garden", (1, "s2"): "Seasonal"}


@strawberry.federation.type(keys=["code region"])
class Sku:
    code: str
    region: str

    @strawberry.field
    def title(self) -> str:
        return TITLES[(self.code, self.region)]

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
    def label(self) -> str:
        return LABELS[(self.number, self.store.id)]

    @classmethod
    def resolve_reference(cls, number: int, store: dict) -> "Shelf":
        return Shelf(number=number, store=Store(id=store["id"]))


@strawberry.type
class Query:
    @strawberry.field
    def skus(self) -> list[Sku]:
        return [Sku(code=c, region=r) for c, r in TITLES]

    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [Shelf(number=n, store=Store(id=strawberry.ID(s))) for n, s in LABELS]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
