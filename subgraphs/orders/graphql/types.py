"""GraphQL value types of orders (names fixed by DESIGN.md): status, money, lines, history."""

from __future__ import annotations

from datetime import datetime

import strawberry

from streaming.events import OrderStatus as DomainStatus
from subgraphs.kit.money import Money
from subgraphs.orders.domain.records import OrderLine, StatusChange
from subgraphs.orders.graphql.product import Product

__all__ = ["Money", "OrderItem", "OrderStatus", "OrderStatusChange"]

OrderStatus = strawberry.enum(
    DomainStatus,
    name="OrderStatus",
    description="PENDING until paid; then PAID, SHIPPED, DELIVERED. PAYMENT_FAILED and "
    "CANCELLED are final.",
)


@strawberry.type(description="One order line, named and priced as at checkout.")
class OrderItem:
    product: Product
    quantity: int
    unit_price: Money = strawberry.field(description="The product's price at checkout.")
    line_total: Money = strawberry.field(description="unitPrice x quantity.")
    product_name: str = strawberry.field(description="The product's name at checkout.")

    @classmethod
    def from_line(cls, line: OrderLine) -> OrderItem:
        return cls(
            product=Product(id=strawberry.ID(line.product_id)), quantity=line.quantity,
            unit_price=Money(amount=line.unit_amount, currency=line.currency),
            line_total=Money(amount=line.line_amount, currency=line.currency),
            product_name=line.product_name,
        )


@strawberry.type(description="A status the order entered, when and why.")
class OrderStatusChange:
    status: OrderStatus  # type: ignore[valid-type]
    previous_status: OrderStatus | None = strawberry.field(  # type: ignore[valid-type]
        description="Null for the first entry (the order was placed)."
    )
    reason: str | None = strawberry.field(
        description="Why, when there is a reason: a decline code, 'payment timeout', ..."
    )
    changed_at: datetime

    @classmethod
    def from_change(cls, change: StatusChange) -> OrderStatusChange:
        return cls(status=change.status, previous_status=change.previous_status,
                   reason=change.reason, changed_at=change.changed_at)
