"""The ``Order`` entity (``@key(fields: "id")``, owned by orders) and its batched resolution."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from subgraphs.orders.domain.records import OrderRecord
from subgraphs.orders.graphql.access import load_order, visible
from subgraphs.orders.graphql.types import Money, OrderItem, OrderStatus, OrderStatusChange

if TYPE_CHECKING:
    from subgraphs.orders.graphql.user import User

__all__ = ["Order"]


@strawberry.federation.type(keys=["id"], description="An order. Its owner or an admin only.")
class Order:
    id: strawberry.ID
    items: list[OrderItem]
    total: Money
    status: OrderStatus  # type: ignore[valid-type]
    tracking_number: str | None = strawberry.field(description="Set when the order ships.")
    created_at: datetime
    updated_at: datetime
    payment_method: str = strawberry.field(description="The payment method id charged.")
    status_history: list[OrderStatusChange] = strawberry.field(
        description="Every status the order entered, oldest first; the first is PENDING."
    )
    cancellation_reason: str | None = strawberry.field(
        description="Why it was cancelled: 'cancelled by customer', 'payment timeout', "
        "'reservation expired', an inventory shortage, ..."
    )
    record: strawberry.Private[OrderRecord]

    @strawberry.field(description="Who placed the order.")
    def user(self) -> Annotated[User, strawberry.lazy("subgraphs.orders.graphql.user")]:
        from subgraphs.orders.graphql.user import User

        return User(id=strawberry.ID(self.record.user_id))

    @classmethod
    def from_record(cls, record: OrderRecord) -> Order:
        return cls(
            id=strawberry.ID(record.id), items=[OrderItem.from_line(x) for x in record.lines],
            total=Money(amount=record.total_amount, currency=record.currency),
            status=record.status, tracking_number=record.tracking_number,
            created_at=record.created_at, updated_at=record.updated_at,
            payment_method=record.payment_method,
            status_history=[OrderStatusChange.from_change(c) for c in record.history],
            cancellation_reason=record.cancellation_reason, record=record,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Order | None:
        # Federation spec, _entities: one result per representation, in order; null when
        # unknown or not the caller's (the owner or an admin only, as in Query.order).
        record = visible(info.context.principal, await load_order(info, str(id)))
        return None if record is None else cls.from_record(record)
