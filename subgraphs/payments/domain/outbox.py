"""Payment events leave the domain here: enqueued in the outbox in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, EventPayload, Money, PaymentProcessed, PaymentRefunded
from streaming.outbox import enqueue
from subgraphs.payments.domain.models import OUTBOX, Payment
from subgraphs.payments.domain.records import PaymentRecord, PaymentStatus

__all__ = ["payment_processed", "payment_refunded"]

# A stored payment (ORM, while changing it) or the record of one just written.
PaymentLike = Payment | PaymentRecord


async def payment_processed(
    session: AsyncSession, payment: PaymentLike, cause: Envelope | None
) -> None:
    """``PaymentProcessed`` (SUCCEEDED or FAILED), in the saga's correlation and trace when
    ``cause`` is the saga's event (a webhook has none: the payment's stored correlation id)."""
    payload = PaymentProcessed(
        payment_id=payment.id, order_id=payment.order_id, user_id=payment.user_id,
        amount=_money(payment), status=PaymentStatus(payment.status),
        payment_method=payment.payment_method,
        transaction_id=payment.transaction_id, failure_reason=payment.failure_reason,
    )
    await enqueue(session, _wrap(payload, payment, cause), table=OUTBOX)


async def payment_refunded(
    session: AsyncSession, payment: Payment, cause: Envelope | None
) -> None:
    """``PaymentRefunded``; ``transaction_id`` is the refund's own provider reference."""
    payload = PaymentRefunded(
        payment_id=payment.id, order_id=payment.order_id, user_id=payment.user_id,
        amount=_money(payment), reason=payment.refund_reason or "refunded",
        transaction_id=payment.refund_id,
    )
    await enqueue(session, _wrap(payload, payment, cause), table=OUTBOX)


def _wrap(payload: EventPayload, payment: PaymentLike, cause: Envelope | None) -> Envelope:
    # Without a cause (a webhook), the saga's correlation id recorded with the payment.
    correlation = None if cause is not None else payment.correlation_id
    return Envelope.wrap(payload, cause=cause, correlation_id=correlation)


def _money(payment: PaymentLike) -> Money:
    return Money(amount=payment.amount, currency=payment.currency)
