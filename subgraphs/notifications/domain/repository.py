"""SQL of notifications' event side: contacts, order totals, preferences, recording messages.

The delivery worker's SQL (claiming and settling queued messages) is in domain/queue.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.models import (
    ContactRow,
    Notification,
    OrderTotal,
    PreferenceRow,
)
from subgraphs.notifications.domain.records import Contact, Delivery, Preferences, Status

__all__ = ["NotificationRepository"]


class NotificationRepository:
    """Never commits: the message boundary (the inbox transaction) or the request does."""

    async def save_contact(self, session: AsyncSession, contact: Contact) -> None:
        """Insert or refresh a user's contact (a later UserRegistered wins)."""
        values = {"email": contact.email, "full_name": contact.full_name, "phone": contact.phone,
                  "updated_at": datetime.now(UTC)}
        statement = _insert(session, ContactRow).values(user_id=contact.user_id, **values)
        await session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def contact(self, session: AsyncSession, user_id: str) -> Contact | None:
        row = await session.get(ContactRow, user_id)
        return None if row is None else row.to_contact()

    async def save_total(
        self, session: AsyncSession, order_id: str, amount: int, currency: str
    ) -> None:
        statement = _insert(session, OrderTotal).values(
            order_id=order_id, amount=amount, currency=currency
        )
        await session.execute(statement.on_conflict_do_nothing(index_elements=["order_id"]))

    async def total(self, session: AsyncSession, order_id: str) -> tuple[int, str] | None:
        row = await session.get(OrderTotal, order_id)
        return None if row is None else (row.amount, row.currency)

    async def preferences(self, session: AsyncSession, user_id: str) -> Preferences:
        row = await session.get(PreferenceRow, user_id)
        return Preferences() if row is None else row.to_preferences()

    async def save_preferences(
        self, session: AsyncSession, user_id: str, preferences: Preferences
    ) -> None:
        values = {"email": preferences.email, "sms": preferences.sms,
                  "updated_at": datetime.now(UTC)}
        statement = _insert(session, PreferenceRow).values(user_id=user_id, **values)
        await session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def record(self, session: AsyncSession, delivery: Delivery, status: Status) -> bool:
        """Store one message; False when (event id, channel) already has one (second guard).
        A message stored as ``sent`` (the dev mailbox) counts as one attempt, sent now."""
        now = datetime.now(UTC)
        sent = status is Status.SENT
        values = {
            "id": str(uuid.uuid4()), "event_id": delivery.event_id,
            "channel": str(delivery.channel), "template": delivery.template,
            "template_version": delivery.template_version, "recipient": delivery.recipient,
            "subject": delivery.subject, "body": delivery.body, "status": str(status),
            "user_id": delivery.user_id, "order_id": delivery.order_id,
            "created_at": now, "attempts": int(sent), "sent_at": now if sent else None,
        }
        statement = _insert(session, Notification).values(**values)
        conflict = ["event_id", "channel"]
        result = await session.execute(statement.on_conflict_do_nothing(index_elements=conflict))
        return result.rowcount == 1

    async def address_waiting(
        self, session: AsyncSession, user_id: str, email: str, status: Status
    ) -> None:
        """Give the emails queued for ``user:<id>`` their address and ``status`` (``sent`` when
        the dev mailbox is the email channel, ``queued`` for the delivery worker)."""
        now = datetime.now(UTC)
        sent = {"attempts": 1, "sent_at": now} if status is Status.SENT else {}
        await session.execute(
            update(Notification)
            .where(Notification.recipient == f"user:{user_id}",
                   Notification.status == Status.QUEUED.value)
            .values(recipient=email, status=status.value, **sent)
            .execution_options(synchronize_session=False)
        )

    async def page(
        self, session: AsyncSession, limit: int, after: int | None, **where: str | None
    ) -> Sequence[Notification]:
        """Up to ``limit`` messages newest first, before position ``after``, filtered by the
        given columns (``user_id``, ``recipient``; None means any)."""
        query: Select[Any] = select(Notification)
        for column, value in where.items():
            if value is not None:
                query = query.where(getattr(Notification, column) == value)
        if after is not None:
            query = query.where(Notification.seq < after)
        query = query.order_by(Notification.seq.desc()).limit(limit)
        return (await session.scalars(query)).all()


def _insert(session: AsyncSession, model: type[Any]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
