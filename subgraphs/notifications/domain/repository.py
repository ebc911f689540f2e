"""SQL of notifications' event side: contacts, order totals, preferences, recording messages.

The delivery worker's SQL (claiming and settling queued messages) is in domain/queue.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, Row, Select, String, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.models import (
    ContactRow,
    Notification,
    OrderTotal,
    PreferenceRow,
)
from subgraphs.notifications.domain.records import (
    Contact,
    Delivery,
    Preferences,
    Recipient,
    Status,
)

__all__ = ["NotificationRepository"]

# The event side's statements run on every consumed event: they are Core statements on the
# tables, built once, with each call's values as parameters (no ORM objects, no rebuilding).
CONTACTS: Table = ContactRow.__table__  # type: ignore[assignment]
TOTALS: Table = OrderTotal.__table__  # type: ignore[assignment]
NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
PREFERENCES: Table = PreferenceRow.__table__  # type: ignore[assignment]

_CONTACT = select(CONTACTS.c.user_id, CONTACTS.c.email, CONTACTS.c.full_name, CONTACTS.c.phone)
_CONTACT_BY_ID = _CONTACT.where(CONTACTS.c.user_id == bindparam("user_id"))
# A recipient: the contact, its preferences (NULL when the user never chose: every channel on)
# and an order's total (NULL when not asked for, ``:order_id`` NULL, or unknown).
_RECIPIENT = (
    _CONTACT.add_columns(PREFERENCES.c.email.label("email_on"), PREFERENCES.c.sms.label("sms_on"),
                         TOTALS.c.amount, TOTALS.c.currency)
    .select_from(
        CONTACTS.outerjoin(PREFERENCES, PREFERENCES.c.user_id == CONTACTS.c.user_id)
        .outerjoin(TOTALS, TOTALS.c.order_id == bindparam("order_id", type_=String))
    )
    .where(CONTACTS.c.user_id == bindparam("user_id"))
)
_TOTAL = select(TOTALS.c.amount, TOTALS.c.currency).where(
    TOTALS.c.order_id == bindparam("order_id"))
_PREFERENCES = select(PREFERENCES.c.email, PREFERENCES.c.sms).where(
    PREFERENCES.c.user_id == bindparam("user_id"))


class NotificationRepository:
    """Never commits: the message boundary (the inbox transaction) or the request does."""

    async def save_contact(self, session: AsyncSession, contact: Contact) -> None:
        """Insert or refresh a user's contact (a later UserRegistered wins)."""
        values = {"email": contact.email, "full_name": contact.full_name, "phone": contact.phone,
                  "updated_at": datetime.now(UTC)}
        statement = _insert(session, CONTACTS).values(user_id=contact.user_id, **values)
        await session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def contact(self, session: AsyncSession, user_id: str) -> Contact | None:
        row = (await session.execute(_CONTACT_BY_ID, {"user_id": user_id})).first()
        return None if row is None else _contact(row)

    async def recipient(
        self, session: AsyncSession, user_id: str, order_id: str | None = None
    ) -> Recipient | None:
        """The user's contact and preferences, and ``order_id``'s total when given, in one
        query; None without a contact."""
        params = {"user_id": user_id, "order_id": order_id}
        row = (await session.execute(_RECIPIENT, params)).first()
        if row is None:
            return None
        chosen = row.email_on is not None  # the preferences row exists
        preferences = Preferences(row.email_on, row.sms_on) if chosen else Preferences()
        total = (row.amount, row.currency) if row.amount is not None else None
        return Recipient(_contact(row), preferences, total)

    async def save_total(
        self, session: AsyncSession, order_id: str, amount: int, currency: str
    ) -> None:
        statement = _insert_once(_dialect(session), TOTALS, ("order_id",))
        await session.execute(
            statement, {"order_id": order_id, "amount": amount, "currency": currency}
        )

    async def total(self, session: AsyncSession, order_id: str) -> tuple[int, str] | None:
        row = (await session.execute(_TOTAL, {"order_id": order_id})).first()
        return None if row is None else (row.amount, row.currency)

    async def preferences(self, session: AsyncSession, user_id: str) -> Preferences:
        row = (await session.execute(_PREFERENCES, {"user_id": user_id})).first()
        return Preferences() if row is None else Preferences(row.email, row.sms)

    async def save_preferences(
        self, session: AsyncSession, user_id: str, preferences: Preferences
    ) -> None:
        values = {"email": preferences.email, "sms": preferences.sms,
                  "updated_at": datetime.now(UTC)}
        statement = _insert(session, PREFERENCES).values(user_id=user_id, **values)
        await session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def record(self, session: AsyncSession, delivery: Delivery, status: Status) -> bool:
        """Store one message; False when (event id, channel) already has one (second guard).
        A message stored as ``sent`` (the dev mailbox) counts as one attempt, sent now."""
        return await self.record_all(session, [(delivery, status)]) == 1

    async def record_all(
        self, session: AsyncSession, messages: Sequence[tuple[Delivery, Status]]
    ) -> int:
        """``record`` for several messages (one event's channels) in one INSERT, stored in the
        given order; how many were new (one already there for its (event id, channel) is
        skipped, the others are still stored)."""
        if not messages:
            return 0
        now = datetime.now(UTC)
        rows = [_message_row(delivery, status, now) for delivery, status in messages]
        # With RETURNING, SQLAlchemy sends the rows as one multi-row VALUES ("insertmanyvalues")
        # of a statement it compiles once; the rows returned are the ones inserted.
        statement = _insert_returning(_dialect(session))
        return len((await session.execute(statement, rows)).all())

    async def address_waiting(
        self, session: AsyncSession, user_id: str, email: str, status: Status
    ) -> None:
        """Give the emails queued for ``user:<id>`` their address and ``status`` (``sent`` when
        the dev mailbox is the email channel, ``queued`` for the delivery worker)."""
        now = datetime.now(UTC)
        sent = {"attempts": 1, "sent_at": now} if status is Status.SENT else {}
        await session.execute(
            update(NOTIFICATIONS)
            .where(NOTIFICATIONS.c.recipient == f"user:{user_id}",
                   NOTIFICATIONS.c.status == Status.QUEUED.value)
            .values(recipient=email, status=status.value, **sent)
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


def _message_row(delivery: Delivery, status: Status, now: datetime) -> dict[str, object]:
    sent = status is Status.SENT
    return {
        "id": str(uuid.uuid4()), "event_id": delivery.event_id,
        "channel": str(delivery.channel), "template": delivery.template,
        "template_version": delivery.template_version, "recipient": delivery.recipient,
        "subject": delivery.subject, "body": delivery.body, "status": str(status),
        "user_id": delivery.user_id, "order_id": delivery.order_id,
        "created_at": now, "attempts": int(sent), "sent_at": now if sent else None,
    }


def _contact(row: Row[Any]) -> Contact:
    return Contact(row.user_id, row.email, row.full_name, row.phone)


def _insert(session: AsyncSession, table: Table) -> Any:
    return _insert_of(_dialect(session))(table)


@cache
def _insert_once(dialect: str, table: Table, key: tuple[str, ...]) -> Insert:
    """``INSERT .. ON CONFLICT (key) DO NOTHING`` on ``table``, built once per dialect."""
    return _insert_of(dialect)(table).on_conflict_do_nothing(index_elements=list(key))


@cache
def _insert_returning(dialect: str) -> Insert:
    """``_insert_once`` of a message, returning the position of each row it inserted."""
    statement = _insert_once(dialect, NOTIFICATIONS, ("event_id", "channel"))
    return statement.returning(NOTIFICATIONS.c.seq)


def _insert_of(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name
