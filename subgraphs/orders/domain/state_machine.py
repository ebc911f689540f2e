"""The order state machine of DESIGN.md ("Flows"): the one place every transition is judged.

    PENDING --PaymentProcessed SUCCEEDED--> PAID --shipOrder--> SHIPPED --deliver--> DELIVERED
    PENDING --PaymentProcessed FAILED--> PAYMENT_FAILED
    PENDING --reservation failed | cancelOrder | payment timeout--> CANCELLED
    PAID --cancelOrder | reservation expired--> CANCELLED   (payments refunds on OrderCancelled)

PAYMENT_FAILED, CANCELLED and DELIVERED are final.
"""

from __future__ import annotations

from streaming.events import OrderStatus
from subgraphs.orders.domain.errors import IllegalTransition

__all__ = ["FINAL", "TRANSITIONS", "OrderStatus", "allowed", "check"]

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset(
        {OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PAID: frozenset({OrderStatus.CANCELLED, OrderStatus.SHIPPED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.PAYMENT_FAILED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.DELIVERED: frozenset(),
}
FINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


def allowed(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether an order in ``current`` may move to ``target``."""
    return target in TRANSITIONS[current]


def check(current: OrderStatus, target: OrderStatus) -> None:
    """Raise IllegalTransition (CONFLICT) unless ``current -> target`` is allowed."""
    if not allowed(current, target):
        raise IllegalTransition(current.value, target.value)
