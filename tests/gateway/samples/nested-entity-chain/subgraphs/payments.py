"""Payments: one payment per order, or none yet."""

import strawberry

PAYMENTS = {"o1": "SUCCEEDED", "o3": "FAILED"}


@strawberry.type
class Payment:
    status: str


@strawberry.federation.type(keys=["id"])
class Order:
    id: strawberry.ID

    @strawberry.field
    def payment(self) -> Payment | None:
        status = PAYMENTS.get(self.id)
        return Payment(status=status) if status else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Order":
        return Order(id=id)


schema = strawberry.federation.Schema(types=[Order], federation_version="2.9")
