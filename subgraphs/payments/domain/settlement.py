"""Webhook events settle payments: a PENDING charge becomes SUCCEEDED or FAILED, a refund made
at the provider becomes REFUNDED. Never commits; the webhook request is the boundary.

Rules (Stripe delivers webhooks at least once and in no guaranteed order,
https://docs.stripe.com/webhooks#handle-duplicate-events, #event-ordering):

- **Once per event id.** Each handled id is stored in ``webhook_events`` in the same
  transaction as its effect; a replay finds it and changes nothing.
- **Settled never moves backwards.** ``payment_intent.succeeded`` / ``.payment_failed`` only
  move a PENDING payment, and only for the PaymentIntent recorded as its transaction. A payment
  that is SUCCEEDED, FAILED or REFUNDED stays so: a ``payment_failed`` after ``succeeded`` (an
  earlier failed 3DS attempt delivered late) is recorded as ignored. Because PENDING -> settled
  is the only move, the first settling event wins whatever the ``created`` times say; those are
  kept in ``webhook_events`` for the operator. A ``succeeded`` for a payment we saw FAILED would
  mean money moved after the saga gave up: logged as an error, left to an operator.
- A PENDING charge that succeeds for an order cancelled meanwhile is refunded at once
  (``refund-<order id>``): PaymentProcessed SUCCEEDED then PaymentRefunded, as when a
  cancellation follows a synchronous charge. A refused refund raises (the endpoint answers 503,
  nothing is recorded, Stripe redelivers the event).
- ``charge.refunded`` (fully refunded, e.g. from the Dashboard) moves SUCCEEDED -> REFUNDED.
- An event for an order whose payment is not recorded yet (the charge's transaction has not
  committed) raises :class:`PaymentNotRecorded`, so the endpoint answers 503 and Stripe
  redelivers later; events without our ``metadata.order_id`` are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.payments.domain.models import Payment, WebhookEvent
from subgraphs.payments.domain.outbox import payment_processed, payment_refunded
from subgraphs.payments.domain.records import PaymentStatus
from subgraphs.payments.domain.repository import PaymentRepository
from subgraphs.payments.domain.service import PaymentService

__all__ = ["PaymentNotRecorded", "ProviderEvent", "WebhookSettlement"]

log = logging.getLogger("payments.settlement")
SETTLES = {"payment_intent.succeeded": PaymentStatus.SUCCEEDED,
           "payment_intent.payment_failed": PaymentStatus.FAILED}


class PaymentNotRecorded(Exception):
    """The event is for one of our orders whose payment is not committed yet: retry later."""


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A verified webhook event: its id, type, the provider's creation time and its object."""

    id: str
    type: str
    created: datetime
    object: dict[str, Any]

    @property
    def order_id(self) -> str | None:
        metadata = self.object.get("metadata") or {}
        return metadata.get("order_id")


class WebhookSettlement:
    """Applies one provider event to the payments database, once."""

    def __init__(
        self,
        provider: str,
        payments: PaymentService,
        *,
        repository: PaymentRepository | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.provider = provider
        self.payments = payments
        self.repository = repository or PaymentRepository()
        self.clock = clock

    async def apply(self, session: AsyncSession, event: ProviderEvent) -> str:
        """What the event did (also stored with its id); "replayed" for a known id."""
        if await self.repository.webhook_event(session, event.id) is not None:
            return "replayed"
        outcome = await self._outcome(session, event)
        await self.repository.add_webhook_event(session, WebhookEvent(
            event_id=event.id, provider=self.provider, event_type=event.type,
            created_at=event.created, processed_at=self.clock(), outcome=outcome[:200],
        ))
        log.info("webhook %s %s: %s", event.type, event.id, outcome)
        return outcome

    async def _outcome(self, session: AsyncSession, event: ProviderEvent) -> str:
        if event.type not in SETTLES and event.type != "charge.refunded":
            return f"ignored: {event.type} is not handled"
        if event.order_id is None:
            return "ignored: no order_id in metadata"
        await self.repository.lock_order(session, event.order_id)
        payment = await self.repository.by_order(session, event.order_id)
        if payment is None:
            raise PaymentNotRecorded(event.order_id)
        if event.type == "charge.refunded":
            return await self._refunded(session, payment, event)
        return await self._settle(session, payment, event)

    async def _settle(self, session: AsyncSession, payment: Payment, event: ProviderEvent) -> str:
        status = SETTLES[event.type]
        if payment.transaction_id != event.object.get("id"):
            return "ignored: another payment intent"
        if payment.status != PaymentStatus.PENDING:
            if payment.status == PaymentStatus.FAILED and status == PaymentStatus.SUCCEEDED:
                log.error("order %s: Stripe charged after the payment failed", payment.order_id)
            return f"ignored: payment is {payment.status} already"
        payment.status, payment.updated_at = status, self.clock()
        if status == PaymentStatus.FAILED:
            payment.failure_code = _failure_code(event.object)
            payment.failure_reason = payment.failure_code
        await session.flush()
        await payment_processed(session, payment, None)
        return f"settled {status}" + await self._refund_if_cancelled(session, payment)

    async def _refund_if_cancelled(self, session: AsyncSession, payment: Payment) -> str:
        cancellation = await self.repository.cancellation(session, payment.order_id)
        if payment.status != PaymentStatus.SUCCEEDED or cancellation is None:
            return ""
        await self.payments.refund(session, payment, cancellation.reason, None)
        return ", refunded: order cancelled"

    async def _refunded(self, session: AsyncSession, payment: Payment, event: ProviderEvent) -> str:
        if payment.transaction_id != event.object.get("payment_intent"):
            return "ignored: another payment intent"
        if payment.status != PaymentStatus.SUCCEEDED or not event.object.get("refunded"):
            return f"ignored: payment is {payment.status}, refunded={event.object.get('refunded')}"
        refunds = (event.object.get("refunds") or {}).get("data") or [{}]
        payment.status, payment.refund_id = PaymentStatus.REFUNDED, refunds[0].get("id")
        payment.refund_reason, payment.updated_at = "refunded at the provider", self.clock()
        await session.flush()
        await payment_refunded(session, payment, None)
        return "refunded"


def _failure_code(intent: dict[str, Any]) -> str:
    error = intent.get("last_payment_error") or {}
    return error.get("decline_code") or error.get("code") or "payment_failed"
