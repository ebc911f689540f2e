"""Reviews: takes Product.rating over progressively, label percent(100): always."""

import strawberry
from strawberry.federation.schema_directives import Override

RATINGS = {"p1": 4, "p2": 5}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.federation.field(override=Override(override_from="legacy", label="percent(100)"))
    def rating(self) -> int:
        return RATINGS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
