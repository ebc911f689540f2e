"""Plain values the notifications domain hands out: contacts, messages, pages of messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Channel",
    "Contact",
    "Delivery",
    "NotificationPage",
    "NotificationRecord",
    "Preferences",
    "Recipient",
    "Status",
]


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class Status(StrEnum):
    """``queued``: waiting for the delivery worker (or for an address); ``sending``: claimed by
    the worker, the provider call under way; ``sent``: accepted by the provider (or stored by the
    dev mailbox); ``failed``: refused by the provider, or given up after the last attempt."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Contact:
    """Where a user can be reached, learnt from UserRegistered."""

    user_id: str
    email: str
    full_name: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One rendered message for one channel, before it is stored or sent."""

    event_id: str
    channel: Channel
    template: str
    template_version: int
    recipient: str
    subject: str
    body: str
    user_id: str
    order_id: str | None


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: str
    event_id: str
    channel: str
    template: str
    template_version: int
    recipient: str
    subject: str
    body: str
    status: str
    user_id: str
    order_id: str | None
    created_at: datetime
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    provider_message_id: str | None = None


@dataclass(frozen=True, slots=True)
class Preferences:
    """Which channels a user accepts; both are on until the user opts out."""

    email: bool = True
    sms: bool = True

    def allows(self, channel: Channel) -> bool:
        return self.email if channel is Channel.EMAIL else self.sms


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom an event notifies: the contact, the channels the user accepts, and the order's
    total from OrderCreated when it was asked for and is known."""

    contact: Contact
    preferences: Preferences
    total: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class NotificationPage:
    """A Relay page, newest first: (cursor, record) pairs and whether more follow."""

    items: tuple[tuple[str, NotificationRecord], ...]
    has_next_page: bool
    has_previous_page: bool
