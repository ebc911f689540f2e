"""All SQL of the delivery queue: due messages, claiming one, settling its outcome, leases.

A claim is a compare-and-set (``queued`` -> ``sending`` on one row), so two workers (or two
replicas) never claim the same message; settling only touches a row still ``sending``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.models import Notification
from subgraphs.notifications.domain.records import NotificationRecord, Status

__all__ = ["DeliveryQueue"]

# A message queued for "user:<id>" waits for an address; the worker leaves it alone.
_NO_ADDRESS = "user:%"


class DeliveryQueue:
    """Never commits: the worker's transactions do."""

    async def due(
        self, session: AsyncSession, now: datetime, channels: Collection[str], limit: int
    ) -> list[str]:
        """Ids of queued messages on ``channels`` that may be tried now, oldest first."""
        query = (
            select(Notification.id)
            .where(Notification.status == Status.QUEUED.value,
                   Notification.channel.in_(list(channels)),
                   Notification.recipient.not_like(_NO_ADDRESS),
                   or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
            .order_by(Notification.seq)
            .limit(limit)
        )
        return list(await session.scalars(query))

    async def claim(
        self, session: AsyncSession, message_id: str, now: datetime
    ) -> NotificationRecord | None:
        """Mark one queued message ``sending`` and count the attempt; None if another took it."""
        values = {"status": Status.SENDING.value, "claimed_at": now,
                  "attempts": Notification.attempts + 1}
        if not await self._move(session, message_id, Status.QUEUED, values):
            return None
        row = await session.scalar(select(Notification).where(Notification.id == message_id))
        return None if row is None else row.to_record()

    async def settle(self, session: AsyncSession, message_id: str, **values: Any) -> bool:
        """Record the outcome of a ``sending`` message; False if it is no longer sending."""
        return await self._move(session, message_id, Status.SENDING, values)

    async def stale(self, session: AsyncSession, claimed_before: datetime) -> list[str]:
        """Ids of messages left ``sending`` since before ``claimed_before`` (an interrupted
        worker: a crash or a restart between the claim and the outcome)."""
        query = select(Notification.id).where(
            Notification.status == Status.SENDING.value,
            Notification.claimed_at < claimed_before,
        )
        return list(await session.scalars(query))

    async def _move(
        self, session: AsyncSession, message_id: str, source: Status, values: dict[str, Any]
    ) -> bool:
        statement = (
            update(Notification)
            .where(Notification.id == message_id, Notification.status == source.value)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return (await session.execute(statement)).rowcount == 1
