"""Tracking: composed into the supergraph, but its server answers HTTP 500 (see case.json)."""

import strawberry


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def tracking_code(self) -> str | None:
        return "never served"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
