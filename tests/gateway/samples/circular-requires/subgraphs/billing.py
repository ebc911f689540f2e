"""Billing: net amounts, and totals that need the tax another subgraph computes."""

import strawberry

BASE = {"i1": 1000, "i2": 250}


@strawberry.federation.type(keys=["id"])
class Invoice:
    id: strawberry.ID
    tax: int = strawberry.federation.field(external=True, default=0)

    @strawberry.field
    def base(self) -> int:
        return BASE[self.id]

    @strawberry.federation.field(requires=["tax"])
    def total(self) -> int:
        return BASE[self.id] + self.tax

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, tax: int = 0) -> "Invoice":
        return Invoice(id=id, tax=tax)


@strawberry.type
class Query:
    @strawberry.field
    def invoices(self) -> list[Invoice]:
        return [Invoice(id=strawberry.ID(i)) for i in BASE]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
