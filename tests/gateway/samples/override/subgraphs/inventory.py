"""Inventory: prepared to take stock (percent(0): not yet) and badge (label new-badges: off)."""

import strawberry
from strawberry.federation.schema_directives import Override


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.federation.field(override=Override(override_from="legacy", label="percent(0)"))
    def stock(self) -> int:
        return 0

    @strawberry.federation.field(override=Override(override_from="legacy", label="new-badges"))
    def badge(self) -> str:
        return "inventory"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
