"""Catalog: product names and prices."""

import strawberry

PRODUCTS = {"pA": ("Kettle", 3000), "pB": ("Mug", 800)}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str
    price: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        name, price = PRODUCTS[id]
        return Product(id=id, name=name, price=price)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
