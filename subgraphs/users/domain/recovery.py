"""Password reset and email verification: tokens go out by email through notifications (an
outbox event); asking reveals nothing about whether an account exists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.errors import BadUserInput
from subgraphs.users.domain.changes import AccountChanges
from subgraphs.users.domain.models import User
from subgraphs.users.domain.one_time_tokens import OneTimeTokens, Purpose
from subgraphs.users.domain.outbox import UserEvents
from subgraphs.users.domain.revocation import VersionBump
from subgraphs.users.domain.rules import MAX_EMAIL_LENGTH, normalise_email

__all__ = ["AccountRecovery"]

RESET_TTL = timedelta(minutes=30)
VERIFY_TTL = timedelta(hours=24)


class AccountRecovery:
    def __init__(self, changes: AccountChanges, events: UserEvents,
                 tokens: OneTimeTokens | None = None) -> None:
        self.changes = changes
        self.events = events
        self.tokens = tokens or OneTimeTokens()

    async def request_reset(self, session: AsyncSession, email: str) -> None:
        """Email a reset token when the account exists; the caller answers the same either way."""
        key = normalise_email(email)
        user = None if len(key) > MAX_EMAIL_LENGTH else await session.scalar(
            select(User).where(User.email == key))
        if user is None:
            return
        raw, expires = await self.tokens.issue(session, user.id, Purpose.PASSWORD_RESET,
                                               RESET_TTL)
        await self.events.password_reset_requested(session, user.id, raw, expires)

    async def reset_password(self, session: AsyncSession, raw: str, new: str) -> VersionBump:
        """A new password for the token's account; every session of it ends."""
        user_id = await self.tokens.spend(session, raw, Purpose.PASSWORD_RESET)
        user = None if user_id is None else await session.get(User, user_id)
        if user is None:
            raise BadUserInput("Reset token is invalid or expired", field="token")
        await self.tokens.spend_all(session, user.id, Purpose.PASSWORD_RESET)
        return await self.changes.set_password(session, user, new)

    async def request_verification(self, session: AsyncSession, user_id: str) -> None:
        user = await session.get(User, user_id)
        if user is None or user.email_verified_at is not None:
            return
        raw, expires = await self.tokens.issue(session, user.id, Purpose.VERIFY_EMAIL,
                                               VERIFY_TTL)
        await self.events.email_verification_requested(session, user.to_record(), raw, expires)

    async def verify_email(self, session: AsyncSession, raw: str) -> None:
        user_id = await self.tokens.spend(session, raw, Purpose.VERIFY_EMAIL)
        user = None if user_id is None else await session.get(User, user_id)
        if user is None:
            raise BadUserInput("Verification token is invalid or expired", field="token")
        user.email_verified_at = datetime.now(UTC)
