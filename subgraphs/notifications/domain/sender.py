"""How a rendered message leaves: the ``NotificationSender`` seam and the dev mailbox.

The dev mailbox (the default, DESIGN.md) "sends" by storing the message in the notifications
database with status ``sent``, where ``devMailbox`` and ``User.notifications`` show it. SendGrid
and Twilio senders (issue 9) implement the same protocol, chosen per channel in app.py.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.records import Delivery, Status
from subgraphs.notifications.domain.repository import NotificationRepository

__all__ = ["DevMailbox", "NotificationSender"]


class NotificationSender(Protocol):
    """Delivers one message and records it in the caller's transaction; never commits."""

    async def send(self, session: AsyncSession, delivery: Delivery) -> None: ...


class DevMailbox:
    """Delivery into the local mailbox table: recorded once per (event, channel) as sent."""

    def __init__(self, repository: NotificationRepository | None = None) -> None:
        self.repository = repository or NotificationRepository()

    async def send(self, session: AsyncSession, delivery: Delivery) -> None:
        await self.repository.record(session, delivery, Status.SENT)
