"""The seam where account events leave the domain: written in the caller's transaction.

``OutboxUserEvents`` (the default) inserts ``UserRegistered`` (and the password-reset and
email-verification requests notifications mails) into the users outbox with the
same session as the new account, so the event exists if and only if the account does; the
relay started in app.py publishes it. ``NoUserEvents`` records nothing (for callers that want
no events at all).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import (
    EmailVerificationRequested,
    Envelope,
    PasswordResetRequested,
    UserRegistered,
)
from streaming.outbox import enqueue
from subgraphs.users.domain.models import OUTBOX
from subgraphs.users.domain.records import UserRecord

__all__ = ["NoUserEvents", "OutboxUserEvents", "UserEvents"]


class UserEvents(Protocol):
    """Enqueues account events; must never commit or publish directly (STYLE.md, imports 4)."""

    async def user_registered(self, session: AsyncSession, user: UserRecord) -> None: ...

    async def password_reset_requested(self, session: AsyncSession, user_id: str, token: str,
                                       expires_at: datetime) -> None: ...

    async def email_verification_requested(self, session: AsyncSession, user: UserRecord,
                                           token: str, expires_at: datetime) -> None: ...


class OutboxUserEvents:
    """``UserRegistered`` through the transactional outbox (topic users, key = user id)."""

    async def user_registered(self, session: AsyncSession, user: UserRecord) -> None:
        payload = UserRegistered(
            user_id=user.id, email=user.email, full_name=user.full_name, phone=user.phone
        )
        await enqueue(session, Envelope.wrap(payload), table=OUTBOX)

    async def password_reset_requested(self, session: AsyncSession, user_id: str, token: str,
                                       expires_at: datetime) -> None:
        payload = PasswordResetRequested(user_id=user_id, token=token, expires_at=expires_at)
        await enqueue(session, Envelope.wrap(payload), table=OUTBOX)

    async def email_verification_requested(self, session: AsyncSession, user: UserRecord,
                                           token: str, expires_at: datetime) -> None:
        payload = EmailVerificationRequested(user_id=user.id, email=user.email, token=token,
                                             expires_at=expires_at)
        await enqueue(session, Envelope.wrap(payload), table=OUTBOX)


class NoUserEvents:
    """Records nothing: for tools that must not announce the accounts they create."""

    async def user_registered(self, session: AsyncSession, user: UserRecord) -> None:
        return None

    async def password_reset_requested(self, session: AsyncSession, user_id: str, token: str,
                                       expires_at: datetime) -> None:
        return None

    async def email_verification_requested(self, session: AsyncSession, user: UserRecord,
                                           token: str, expires_at: datetime) -> None:
        return None
