"""Inventory: one more field on Product, one inaccessible argument."""

from typing import Annotated

import strawberry


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field(description="Units on hand.")
    def stock(
        self,
        warehouse: str = "main",
        audit: Annotated[bool | None, strawberry.federation.argument(inaccessible=True)] = None,
    ) -> int:
        return 3

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
