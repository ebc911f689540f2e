"""Plain values the notifications domain hands out: contacts, messages, pages of messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["Channel", "Contact", "Delivery", "NotificationPage", "NotificationRecord", "Status"]


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class Status(StrEnum):
    """``queued``: no address known yet; ``sent``: handed to the sender (the dev mailbox)."""

    QUEUED = "queued"
    SENT = "sent"


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


@dataclass(frozen=True, slots=True)
class NotificationPage:
    """A Relay page, newest first: (cursor, record) pairs and whether more follow."""

    items: tuple[tuple[str, NotificationRecord], ...]
    has_next_page: bool
    has_previous_page: bool
