"""Loyalty: points for customers; knows nothing of staff or the Account interface."""

import strawberry

POINTS = {"c1": 1200, "c2": 15}


@strawberry.federation.type(keys=["id"])
class Customer:
    id: strawberry.ID

    @strawberry.field
    def points(self) -> int:
        return POINTS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Customer":
        return Customer(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def top_customers(self) -> list[Customer]:
        return [Customer(id=strawberry.ID(i)) for i in sorted(POINTS, key=lambda i: -POINTS[i])]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
