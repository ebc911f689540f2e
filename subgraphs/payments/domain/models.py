"""SQLAlchemy models of the payments database, with its outbox and inbox tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from streaming.inbox import inbox_table
from streaming.outbox import outbox_table
from subgraphs.kit.columns import UtcDateTime
from subgraphs.kit.models import domain_metadata
from subgraphs.payments.domain.records import PaymentRecord, PaymentStatus

__all__ = ["INBOX", "OUTBOX", "Base", "CancelledOrder", "Payment", "WebhookEvent"]


class Base(DeclarativeBase):
    """Declarative base of the payments database only."""

    metadata = domain_metadata()


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)


class Payment(Base):
    """The one payment of an order: unique on ``order_id``, so an order is never charged twice."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(255), unique=True)
    user_id: Mapped[str] = mapped_column(String(255))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    payment_method: Mapped[str] = mapped_column(String(255))
    # Who charged it: a refund must go to the same provider, even after the default changes.
    provider: Mapped[str] = mapped_column(String(32))
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    failure_code: Mapped[str | None] = mapped_column(String(100))
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    refund_id: Mapped[str | None] = mapped_column(String(255))
    refund_reason: Mapped[str | None] = mapped_column(String(500))
    # The saga's correlation id, so events a webhook causes later stay in the same saga.
    correlation_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_record(self) -> PaymentRecord:
        return PaymentRecord(
            id=self.id, order_id=self.order_id, user_id=self.user_id, amount=self.amount,
            currency=self.currency, status=PaymentStatus(self.status),
            payment_method=self.payment_method, provider=self.provider,
            transaction_id=self.transaction_id,
            failure_code=self.failure_code, failure_reason=self.failure_reason,
            refund_id=self.refund_id, refund_reason=self.refund_reason,
            created_at=self.created_at, updated_at=self.updated_at,
            correlation_id=self.correlation_id,
        )


class CancelledOrder(Base):
    """An order orders cancelled; a reservation for it that arrives later is never charged."""

    __tablename__ = "cancelled_orders"

    order_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    cancelled_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebhookEvent(Base):
    """A provider webhook event handled once: a replay of its id changes nothing."""

    __tablename__ = "webhook_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(100))
    # The provider's own creation time of the event, kept to explain out-of-order deliveries.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What it did: "settled SUCCEEDED", "ignored: payment is FAILED", ...
    outcome: Mapped[str] = mapped_column(String(200))
