"""SQLAlchemy models of the notifications database: contacts, order totals, the mailbox, and
the inbox and outbox of the event streams."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from streaming.inbox import inbox_table
from streaming.outbox import outbox_table
from subgraphs.kit.columns import UtcDateTime
from subgraphs.kit.models import domain_metadata
from subgraphs.notifications.domain.records import NotificationRecord

__all__ = [
    "INBOX",
    "OUTBOX",
    "Base",
    "ContactRow",
    "Notification",
    "OrderTotal",
    "PreferenceRow",
]


class Base(DeclarativeBase):
    """Declarative base of the notifications database only."""

    metadata = domain_metadata()


INBOX = inbox_table(Base.metadata)
# Nothing is published yet; the kit's relay needs the table, and delivery outcomes
# (issue 9) will leave through it.
OUTBOX = outbox_table(Base.metadata)


class ContactRow(Base):
    """The local contact directory: order events carry only the user id."""

    __tablename__ = "contacts"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OrderTotal(Base):
    """An order's total from OrderCreated, so later messages about it can quote it."""

    __tablename__ = "order_totals"

    order_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class Notification(Base):
    """One message on one channel for one event; (event_id, channel) is unique, a second guard
    beside the inbox, so no event is ever notified twice on a channel."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "channel", name="uq_notifications_event"),
        Index("ix_notifications_due", "status", "next_attempt_at"),
    )

    # ``seq`` orders the mailbox (newest first) and backs the cursors; ``id`` is the public id.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[str] = mapped_column(String(36), unique=True)
    event_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(255), index=True)
    order_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Delivery (issue 9): provider calls made, the last failure, the provider's acceptance.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(100))
    # When a queued message may be tried (backoff, Retry-After); when it was claimed (lease).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def to_record(self) -> NotificationRecord:
        return NotificationRecord(
            id=self.id, event_id=self.event_id, channel=self.channel, template=self.template,
            template_version=self.template_version, recipient=self.recipient,
            subject=self.subject, body=self.body, status=self.status, user_id=self.user_id,
            order_id=self.order_id, created_at=self.created_at, attempts=self.attempts,
            last_error=self.last_error, sent_at=self.sent_at,
            provider_message_id=self.provider_message_id,
        )


class PreferenceRow(Base):
    """A user's channel choices; no row means every channel is on."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)
    sms: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
