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

__all__ = ["FINAL", "TRANSITIONS", "OrderStatus", "allowed", "check", "earlier", "sources"]

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
# The statuses a move into each status may start from.
SOURCES: dict[OrderStatus, frozenset[OrderStatus]] = {
    target: frozenset(s for s, targets in TRANSITIONS.items() if target in targets)
    for target in TRANSITIONS
}


def _ancestors(status: OrderStatus) -> frozenset[OrderStatus]:
    found: set[OrderStatus] = set()
    todo = list(SOURCES[status])
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(SOURCES[current])
    return frozenset(found)


EARLIER = {status: _ancestors(status) for status in TRANSITIONS}


def allowed(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether an order in ``current`` may move to ``target``."""
    return target in TRANSITIONS[current]


def check(current: OrderStatus, target: OrderStatus) -> None:
    """Raise IllegalTransition (CONFLICT) unless ``current -> target`` is allowed."""
    if not allowed(current, target):
        raise IllegalTransition(current.value, target.value)


def sources(target: OrderStatus) -> frozenset[OrderStatus]:
    """The statuses an order may move to ``target`` from."""
    return SOURCES[target]


def earlier(status: OrderStatus) -> frozenset[OrderStatus]:
    """Every status an order in ``status`` may have passed through before it. The machine has
    no cycle, so none of them can follow ``status``: an event into one of them that arrives
    after the order was seen in ``status`` is a late one."""
    return EARLIER[status]
