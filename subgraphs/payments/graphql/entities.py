"""The ``Payment`` entity and the ``Order`` entity payments extends with ``payment``.

Federation v2: ``Order`` belongs to orders; payments contributes ``Order.payment``, resolved
from the order id alone. Both entities show a payment only to the order's owner or an admin
(payments keeps the owner's id from InventoryReserved); anyone else gets null.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from subgraphs.payments.domain.records import PaymentRecord
from subgraphs.payments.graphql.access import load_payment, load_payment_of_order, visible
from subgraphs.payments.graphql.types import Money, PaymentStatus

__all__ = ["Order", "Payment"]


@strawberry.federation.type(keys=["id"], description="The charge (and refund) of one order.")
class Payment:
    id: strawberry.ID
    amount: Money
    status: PaymentStatus
    transaction_id: str | None = strawberry.field(description="The provider's charge reference.")
    failure_reason: str | None = strawberry.field(
        description="Why it FAILED: the provider's decline code (card_declined, "
        "insufficient_funds, expired_card), or 'invalid payment method', 'reservation "
        "expired', 'order cancelled'."
    )
    refund_id: str | None = strawberry.field(description="The provider's refund reference.")
    created_at: datetime
    updated_at: datetime
    record: strawberry.Private[PaymentRecord]

    @strawberry.field(description="The order this payment is for.")
    def order(self) -> Order:
        return Order(id=strawberry.ID(self.record.order_id))

    @classmethod
    def from_record(cls, record: PaymentRecord) -> Payment:
        return cls(
            id=strawberry.ID(record.id),
            amount=Money(amount=record.amount, currency=record.currency),
            status=record.status, transaction_id=record.transaction_id,
            failure_reason=record.failure_reason, refund_id=record.refund_id,
            created_at=record.created_at, updated_at=record.updated_at, record=record,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Payment | None:
        # Federation spec, _entities: one result per representation, in order, null if unknown.
        record = visible(info.context.principal, await load_payment(info, str(id)))
        return None if record is None else cls.from_record(record)


# Owned and described by orders; no description here, so composition has one to use.
@strawberry.federation.type(keys=["id"])
class Order:
    id: strawberry.ID

    @strawberry.field(description="Its payment; null before one exists or when not yours.")
    async def payment(self, info: Info) -> Payment | None:
        record = await load_payment_of_order(info, str(self.id))
        record = visible(info.context.principal, record)
        return None if record is None else Payment.from_record(record)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Order:
        return cls(id=id)
