"""Shipping: costs per concrete type, each from different catalog fields."""

import strawberry


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID
    weight: int = strawberry.federation.field(external=True, default=0)

    @strawberry.federation.field(requires=["weight"])
    def cost(self) -> int:
        return 100 + 10 * self.weight

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, weight: int = 0) -> "Book":
        return Book(id=id, weight=weight)


@strawberry.federation.type(keys=["id"])
class Gadget:
    id: strawberry.ID
    weight: int = strawberry.federation.field(external=True, default=0)
    fragile: bool = strawberry.federation.field(external=True, default=False)

    @strawberry.federation.field(requires=["weight fragile"])
    def cost(self) -> int:
        return 200 + 20 * self.weight + (500 if self.fragile else 0)

    @classmethod
    def resolve_reference(
        cls, id: strawberry.ID, weight: int = 0, fragile: bool = False
    ) -> "Gadget":
        return Gadget(id=id, weight=weight, fragile=fragile)


schema = strawberry.federation.Schema(types=[Book, Gadget], federation_version="2.9")
