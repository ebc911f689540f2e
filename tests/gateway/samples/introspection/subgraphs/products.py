"""Products: a described, partly deprecated, partly inaccessible schema to introspect."""

from enum import Enum

import strawberry


@strawberry.enum(description="Colours a product comes in.")
class Color(Enum):
    RED = "red"
    GREEN = "green"
    BEIGE = strawberry.enum_value("beige", deprecation_reason="Nobody buys beige.")


@strawberry.interface(description="Anything with a name.")
class Named:
    name: str


@strawberry.federation.type(keys=["id"], description="Something we sell.")
class Product(Named):
    id: strawberry.ID
    color: Color = strawberry.field(description="Main colour.")
    code: str = strawberry.federation.field(inaccessible=True)
    old_name: str = strawberry.field(deprecation_reason="Use `name`.")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id, name="Chair", color=Color.RED, code="X-1", old_name="Seat")


@strawberry.input(description="A new product.")
class ProductInput:
    name: str
    color: Color = Color.GREEN


@strawberry.type
class Query:
    @strawberry.field(description="Every product.")
    def products(self, first: int = 10) -> list[Product]:
        return [Product.resolve_reference(strawberry.ID("p1"))][:first]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def create_product(self, input: ProductInput) -> Product:
        return Product(
            id=strawberry.ID("p2"), name=input.name, color=input.color, code="", old_name=""
        )


schema = strawberry.federation.Schema(query=Query, mutation=Mutation, federation_version="2.9")
