"""GraphQL value types of the payments subgraph (names fixed by DESIGN.md)."""

from __future__ import annotations

import strawberry

from subgraphs.payments.domain.records import PaymentStatus as DomainStatus

__all__ = ["Money", "PaymentStatus"]

PaymentStatus = strawberry.enum(
    DomainStatus,
    name="PaymentStatus",
    description="PENDING until the provider answers; SUCCEEDED or FAILED; REFUNDED after a "
    "cancellation of a paid order.",
)


@strawberry.federation.type(shareable=True, description="Integer minor units + ISO 4217 code.")
class Money:
    amount: int
    currency: str
