"""Payment rules: charge a reserved order once, refund a cancelled one. Never commits.

Ordering of a charge (the handler's transaction is the inbox transaction, committed by the
message boundary): lock the order, skip orders already settled, call the provider with
idempotency key = order id, then insert the payment and enqueue ``PaymentProcessed``. The
provider call is an external side effect outside our transaction; if anything fails after it,
the transaction (inbox row included) rolls back, the event is redelivered, and the provider
answers the same key with the same charge, so money moves once and the result is recorded once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.faults import crash_point
from streaming.events import Envelope, InventoryReserved, OrderCancelled
from subgraphs.payments.domain.errors import RefundFailed
from subgraphs.payments.domain.models import Payment
from subgraphs.payments.domain.outbox import payment_processed, payment_refunded
from subgraphs.payments.domain.provider import ChargeResult, PaymentProvider, RefundResult
from subgraphs.payments.domain.records import PaymentRecord, PaymentStatus
from subgraphs.payments.domain.repository import PaymentRepository

__all__ = ["ORDER_CANCELLED", "RESERVATION_EXPIRED", "PaymentService", "refund_key"]

ORDER_CANCELLED = "order cancelled"
RESERVATION_EXPIRED = "reservation expired"
# Payment ids derive from the order id: one payment per order, the same id on every retry.
_PAYMENT_IDS = uuid.UUID("5d0c4a52-8d0e-4c53-9d55-7c1b1a0e2a05")
log = logging.getLogger("payments.service")


def refund_key(order_id: str) -> str:
    """The deterministic idempotency key of an order's refund."""
    return f"refund-{order_id}"


class PaymentService:
    """Charges on InventoryReserved and refunds on OrderCancelled, through ``provider``."""

    def __init__(
        self,
        provider: PaymentProvider,
        *,
        repository: PaymentRepository | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.provider = provider
        self.repository = repository or PaymentRepository()
        self.clock = clock

    async def settle_reservation(self, session: AsyncSession, event: Envelope) -> PaymentRecord:
        """Charge the reserved order unless it is settled, cancelled or its hold expired."""
        reserved: InventoryReserved = event.payload  # type: ignore[assignment]
        await self.repository.lock_order(session, reserved.order_id)
        # Read once, after the lock: it keeps a cancellation and another charge of the order
        # out until this transaction ends.
        existing, cancelled = await self.repository.settlement_state(session, reserved.order_id)
        if existing is not None:  # another event for a settled order: no second charge
            log.info("order %s already has payment %s", reserved.order_id, existing.id)
            return existing
        result = await self._charge_unless_refused(reserved, cancelled=cancelled)
        if result.succeeded:
            crash_point("payments.charged")  # chaos suite: money moved, nothing committed yet
        payment = self._payment(reserved, result, event.correlation_id)
        await self.repository.add(session, payment)
        if not result.pending:  # a pending charge is announced when its webhook settles it
            await payment_processed(session, payment, event)
        if result.succeeded and cancelled:
            # charged before a crash, cancelled before this redelivery: the cancellation found
            # no payment to refund, so nothing else ever would
            stored = await self.repository.by_order(session, reserved.order_id)
            assert stored is not None  # inserted above, in this transaction
            await self.refund(session, stored, ORDER_CANCELLED, event)
            return stored.to_record()
        return payment

    async def cancel_order(self, session: AsyncSession, event: Envelope) -> PaymentRecord | None:
        """Remember the cancellation; refund a succeeded charge (RefundFailed when refused)."""
        cancelled: OrderCancelled = event.payload  # type: ignore[assignment]
        order_id = cancelled.order_id
        await self.repository.lock_order(session, order_id)
        await self.repository.record_cancelled(session, order_id, cancelled.reason, self.clock())
        payment = await self.repository.by_order(session, order_id)
        if payment is None or payment.status != PaymentStatus.SUCCEEDED:
            return None if payment is None else payment.to_record()
        await self.refund(session, payment, cancelled.reason, event)
        return payment.to_record()

    async def get_many(
        self, session: AsyncSession, ids: Sequence[str]
    ) -> list[PaymentRecord | None]:
        """Payments for ``ids`` in one query, in input order, None where unknown."""
        found = await self.repository.get_many(session, ids)
        return [found.get(i) for i in ids]

    async def by_orders(
        self, session: AsyncSession, order_ids: Sequence[str]
    ) -> list[PaymentRecord | None]:
        """The payment of each order, in input order, None where there is none."""
        found = await self.repository.by_orders(session, order_ids)
        return [found.get(i) for i in order_ids]

    async def _charge_unless_refused(
        self, reserved: InventoryReserved, *, cancelled: bool
    ) -> ChargeResult:
        if cancelled:
            return await self._earlier_or_refused(reserved.order_id, ORDER_CANCELLED)
        if reserved.expires_at is not None and reserved.expires_at <= self.clock():
            return await self._earlier_or_refused(reserved.order_id, RESERVATION_EXPIRED)
        total = reserved.total
        return await self.provider.charge(
            reserved.order_id, total.amount, total.currency, reserved.payment_method,
            idempotency_key=reserved.order_id,
        )

    async def _earlier_or_refused(self, key: str, reason: str) -> ChargeResult:
        """No new charge for a refused order, but one an earlier attempt made (and died before
        recording) is recorded as it is, so it can be refunded."""
        earlier = await self.provider.earlier_charge(key)
        if earlier is not None and earlier.succeeded:
            return earlier
        return ChargeResult(False, failure_message=reason)

    async def refund(
        self, session: AsyncSession, payment: Payment, reason: str, cause: Envelope | None
    ) -> None:
        """Refund a SUCCEEDED payment (key refund-<order id>) -> REFUNDED + PaymentRefunded;
        RefundFailed when the provider refuses."""
        await self._refund(payment, reason)
        await session.flush()
        await payment_refunded(session, payment, cause)

    async def _refund(self, payment: Payment, reason: str) -> None:
        assert payment.transaction_id is not None  # every succeeded charge has one
        if payment.provider != self.provider.name:
            message = f"charged by {payment.provider}, this service runs {self.provider.name}"
            raise RefundFailed(payment.order_id, RefundResult(False, None, "provider", message))
        result = await self.provider.refund(
            payment.transaction_id, payment.amount, idempotency_key=refund_key(payment.order_id)
        )
        if not result.succeeded:
            raise RefundFailed(payment.order_id, result)
        payment.status, payment.refund_id = PaymentStatus.REFUNDED, result.refund_id
        payment.refund_reason, payment.updated_at = reason, self.clock()

    def _payment(
        self, reserved: InventoryReserved, result: ChargeResult, correlation_id: str | None
    ) -> PaymentRecord:
        now = self.clock()
        status = _status(result)
        return PaymentRecord(
            id=str(uuid.uuid5(_PAYMENT_IDS, reserved.order_id)), order_id=reserved.order_id,
            user_id=reserved.user_id, amount=reserved.total.amount,
            currency=reserved.total.currency, status=status,
            payment_method=reserved.payment_method, provider=self.provider.name,
            transaction_id=result.transaction_id,
            failure_code=result.failure_code, failure_reason=result.failure_reason,
            refund_id=None, refund_reason=None, created_at=now, updated_at=now,
            correlation_id=correlation_id,
        )


def _status(result: ChargeResult) -> PaymentStatus:
    if result.pending:
        return PaymentStatus.PENDING
    return PaymentStatus.SUCCEEDED if result.succeeded else PaymentStatus.FAILED
