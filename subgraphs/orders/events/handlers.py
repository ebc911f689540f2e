"""What orders does with each consumed event, as one inbox handler for consumer group
``orders`` on the ``inventory`` and ``payments`` topics.

| event (topic)                          | effect                                              |
|----------------------------------------|-----------------------------------------------------|
| PaymentProcessed SUCCEEDED (payments)  | PENDING -> PAID                                     |
| PaymentProcessed FAILED (payments)     | PENDING -> PAYMENT_FAILED (reason: failure reason)  |
| InventoryReservationFailed (inventory) | PENDING or PAID -> CANCELLED (reason) + OrderCancelled |
| anything else                          | ignored (InventoryReserved, PaymentRefunded, ...)   |

A move the state machine refuses (a late or repeated event) is logged and ignored; a repeated
event id never reaches the handler at all (streaming.inbox).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, InventoryReservationFailed, PaymentProcessed
from streaming.handlers import SessionHandler, dispatch
from streaming.topics import INVENTORY, PAYMENTS
from subgraphs.kit.messaging import Subscription
from subgraphs.orders.config import CONSUMER_GROUP
from subgraphs.orders.domain.service import OrderService

__all__ = ["TOPICS", "order_handler", "order_subscription"]

TOPICS = (INVENTORY, PAYMENTS)


def order_handler(orders: OrderService) -> SessionHandler:
    """Route each event to the service; runs in the inbox transaction (streaming.inbox)."""

    async def on_payment(session: AsyncSession, event: Envelope) -> None:
        await orders.payment_processed(session, event)

    async def on_reservation_failed(session: AsyncSession, event: Envelope) -> None:
        await orders.reservation_failed(session, event)

    return dispatch({PaymentProcessed: on_payment,
                     InventoryReservationFailed: on_reservation_failed})


def order_subscription(orders: OrderService) -> Subscription:
    """The one subscription orders runs through the kit's Messaging."""
    return Subscription(TOPICS, CONSUMER_GROUP, order_handler(orders))
