"""Shipping: composed into the supergraph, but down during the tests (see case.json)."""

import strawberry


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def shipping_cost(self) -> int | None:
        return 500

    @strawberry.field
    def carrier(self) -> str:
        return "DHL"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
