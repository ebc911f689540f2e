"""How a rendered message leaves: the ``NotificationSender`` seam and the dev mailbox.

The dev mailbox (the default, DESIGN.md) "sends" by storing the message in the notifications
database with status ``sent``, where ``devMailbox`` and ``User.notifications`` show it. When a
channel has a real provider (SendGrid, Twilio), ``ProviderQueue`` records its messages
``queued`` instead, in the same transaction, and the delivery worker sends them
(domain/delivery.py); channels without a provider still go to the dev mailbox.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.records import Channel, Delivery, Status
from subgraphs.notifications.domain.repository import NotificationRepository

__all__ = ["DevMailbox", "NotificationSender", "ProviderQueue"]


class NotificationSender(Protocol):
    """Delivers messages and records them in the caller's transaction; never commits."""

    async def send(self, session: AsyncSession, *deliveries: Delivery) -> None:
        """Record one event's messages (one per channel), in one statement."""

    async def address_found(self, session: AsyncSession, user_id: str, email: str) -> None:
        """Emails queued for ``user:<id>`` (no contact yet) now have an address."""


class DevMailbox:
    """Delivery into the local mailbox table: recorded once per (event, channel) as sent."""

    def __init__(self, repository: NotificationRepository | None = None) -> None:
        self.repository = repository or NotificationRepository()

    async def send(self, session: AsyncSession, *deliveries: Delivery) -> None:
        await self.repository.record_all(session, [(d, Status.SENT) for d in deliveries])

    async def address_found(self, session: AsyncSession, user_id: str, email: str) -> None:
        await self.repository.address_waiting(session, user_id, email, Status.SENT)


class ProviderQueue:
    """Queued for the delivery worker on ``channels`` (those with a provider); sent into the
    dev mailbox on the others."""

    def __init__(
        self, channels: Collection[Channel], repository: NotificationRepository | None = None
    ) -> None:
        self.channels = frozenset(channels)
        self.repository = repository or NotificationRepository()

    async def send(self, session: AsyncSession, *deliveries: Delivery) -> None:
        messages = [(d, self._status(d.channel)) for d in deliveries]
        await self.repository.record_all(session, messages)

    async def address_found(self, session: AsyncSession, user_id: str, email: str) -> None:
        status = self._status(Channel.EMAIL)
        await self.repository.address_waiting(session, user_id, email, status)

    def _status(self, channel: Channel) -> Status:
        return Status.QUEUED if channel in self.channels else Status.SENT
