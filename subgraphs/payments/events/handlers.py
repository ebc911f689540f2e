"""What payments does with each consumed event, as one inbox handler for consumer group
``payments`` on the ``inventory`` and ``orders`` topics.

| event (topic)                 | effect                                                       |
|-------------------------------|--------------------------------------------------------------|
| InventoryReserved (inventory) | charge (key = order id) -> payment + PaymentProcessed        |
| OrderCancelled (orders)       | remember the cancellation; refund a SUCCEEDED payment        |
|                               | (key = refund-<order id>) -> REFUNDED + PaymentRefunded      |
| anything else                 | ignored                                                      |

A reused idempotency key with other parameters (e.g. a changed total) can never succeed, so it
is a poison message: dead-lettered at once instead of retried. A provider outage is the
opposite: retried until the provider is back, never dead-lettered (the order stays PENDING).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, InventoryReserved, OrderCancelled, PoisonMessageError
from streaming.handlers import SessionHandler, TransientError, dispatch
from streaming.topics import INVENTORY, ORDERS
from subgraphs.kit.messaging import Subscription
from subgraphs.payments.config import CONSUMER_GROUP
from subgraphs.payments.domain.provider import IdempotencyConflict, ProviderUnavailable
from subgraphs.payments.domain.service import PaymentService

__all__ = ["TOPICS", "payment_handler", "payment_subscription"]

TOPICS = (INVENTORY, ORDERS)


def payment_handler(payments: PaymentService) -> SessionHandler:
    """Route each event to the service; runs in the inbox transaction (streaming.inbox)."""

    async def on_reserved(session: AsyncSession, event: Envelope) -> None:
        try:
            await payments.settle_reservation(session, event)
        except IdempotencyConflict as exc:  # no retry can fix it: dead-letter at once
            raise PoisonMessageError(str(exc)) from exc
        except ProviderUnavailable as exc:  # the same key will work once the provider is back
            raise TransientError(str(exc)) from exc

    async def on_cancelled(session: AsyncSession, event: Envelope) -> None:
        try:
            await payments.cancel_order(session, event)
        except ProviderUnavailable as exc:
            raise TransientError(str(exc)) from exc

    return dispatch({InventoryReserved: on_reserved, OrderCancelled: on_cancelled})


def payment_subscription(payments: PaymentService) -> Subscription:
    """The one subscription payments runs through the kit's Messaging."""
    return Subscription(TOPICS, CONSUMER_GROUP, payment_handler(payments))
