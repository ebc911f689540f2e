"""Pricing: owns book prices now (@override from legacy); gadgets are not its business."""

import strawberry

PRICES = {"b1": 1200, "b2": 900}


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID

    @strawberry.federation.field(override="legacy")
    def price(self) -> int:
        return PRICES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def bestseller(self) -> Book:
        return Book(id=strawberry.ID("b2"))


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
