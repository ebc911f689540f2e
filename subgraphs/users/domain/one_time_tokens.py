"""Single-use, expiring, hashed tokens for password reset and email verification."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.users.domain.models import OneTimeToken
from subgraphs.users.domain.secrets import digest, new_secret

__all__ = ["OneTimeTokens", "Purpose"]


class Purpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    VERIFY_EMAIL = "verify_email"


class OneTimeTokens:
    """``issue`` a token for a user; ``spend`` it once, before it expires."""

    async def issue(self, session: AsyncSession, user_id: str, purpose: Purpose,
                    ttl: timedelta) -> tuple[str, datetime]:
        raw, expires = new_secret(), datetime.now(UTC) + ttl
        session.add(OneTimeToken(id=str(uuid.uuid4()), user_id=user_id, purpose=str(purpose),
                                 token_hash=digest(raw), expires_at=expires))
        await session.flush()
        return raw, expires

    async def spend(self, session: AsyncSession, raw: str, purpose: Purpose) -> str | None:
        """The user id of an unused, unexpired token of ``purpose``, now marked used; else None.
        The conditional UPDATE makes two concurrent spends yield one success."""
        now = datetime.now(UTC)
        row = await session.scalar(select(OneTimeToken).where(
            OneTimeToken.token_hash == digest(raw), OneTimeToken.purpose == str(purpose)))
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        spent = await session.execute(update(OneTimeToken).where(
            OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None)).values(used_at=now))
        return row.user_id if spent.rowcount == 1 else None  # type: ignore[attr-defined]

    async def spend_all(self, session: AsyncSession, user_id: str, purpose: Purpose) -> None:
        """Every outstanding token of ``purpose`` for the user is used up (after a reset)."""
        await session.execute(update(OneTimeToken).where(
            OneTimeToken.user_id == user_id, OneTimeToken.purpose == str(purpose),
            OneTimeToken.used_at.is_(None)).values(used_at=datetime.now(UTC)))
