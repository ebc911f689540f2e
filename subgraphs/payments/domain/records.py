"""Plain values the payments domain hands out: one payment as read from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streaming.events import PaymentStatus

__all__ = ["PaymentRecord", "PaymentStatus"]


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """One order's payment; ``user_id`` is the order's owner, copied from InventoryReserved."""

    id: str
    order_id: str
    user_id: str
    amount: int
    currency: str
    status: PaymentStatus
    payment_method: str
    provider: str
    transaction_id: str | None
    failure_code: str | None
    failure_reason: str | None
    refund_id: str | None
    refund_reason: str | None
    created_at: datetime
    updated_at: datetime
    # The saga's correlation id, so events a webhook causes later stay in the same saga.
    correlation_id: str | None = None
