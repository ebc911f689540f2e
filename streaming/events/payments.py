"""Events of the payment aggregate (topic ``payments``, key = order id: one payment per order)."""

from __future__ import annotations

from typing import Literal

from streaming.events.contract import EventPayload, Money, PaymentStatus
from streaming.events.registry import register
from streaming.topics import PAYMENTS

__all__ = ["PaymentProcessed", "PaymentRefunded"]


class _PaymentEvent(EventPayload):
    """What every payment event carries, keyed by order (one payment per order)."""

    topic = PAYMENTS
    key_field = "order_id"

    payment_id: str
    order_id: str
    user_id: str
    amount: Money


@register
class PaymentProcessed(_PaymentEvent):
    """A charge for an order finished, successfully or not; idempotency key = order id."""

    event_type = "PaymentProcessed"

    status: Literal[PaymentStatus.SUCCEEDED, PaymentStatus.FAILED]
    payment_method: str
    transaction_id: str | None = None
    failure_reason: str | None = None


@register
class PaymentRefunded(_PaymentEvent):
    """A successful charge was refunded (e.g. its reservation expired before payment ended)."""

    event_type = "PaymentRefunded"

    reason: str
    transaction_id: str | None = None
