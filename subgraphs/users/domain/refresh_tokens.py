"""Refresh tokens: opaque, stored hashed, rotated on every use; presenting a used or revoked
token again is theft (OAuth 2.0 Security BCP, RFC 9700 §4.14.2) and revokes its whole family."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.users.domain.errors import InvalidRefreshToken, RefreshTokenReused
from subgraphs.users.domain.models import RefreshToken
from subgraphs.users.domain.secrets import digest, new_secret

__all__ = ["IssuedRefresh", "RefreshTokens"]


@dataclass(frozen=True, slots=True)
class IssuedRefresh:
    user_id: str
    token: str
    expires_at: datetime


class RefreshTokens:
    """Every method works inside the caller's transaction."""

    def __init__(self, ttl: timedelta = timedelta(days=30)) -> None:
        self.ttl = ttl

    async def issue(self, session: AsyncSession, user_id: str, family_id: str | None = None
                    ) -> IssuedRefresh:
        raw, now = new_secret(), datetime.now(UTC)
        session.add(RefreshToken(
            id=str(uuid.uuid4()), user_id=user_id, family_id=family_id or str(uuid.uuid4()),
            token_hash=digest(raw), created_at=now, expires_at=now + self.ttl,
        ))
        await session.flush()
        return IssuedRefresh(user_id, raw, now + self.ttl)

    async def rotate(self, session: AsyncSession, raw: str) -> IssuedRefresh:
        """Spend ``raw`` and issue its successor; RefreshTokenReused when already spent."""
        row = await session.scalar(select(RefreshToken).where(
            RefreshToken.token_hash == digest(raw)))
        now = datetime.now(UTC)
        if row is None or row.expires_at <= now:
            raise InvalidRefreshToken()
        if row.used_at is not None or row.revoked_at is not None:
            raise RefreshTokenReused(row.family_id)
        # The conditional UPDATE, not the read above, decides a race between two uses.
        spent = await session.execute(update(RefreshToken).where(
            RefreshToken.id == row.id, RefreshToken.used_at.is_(None)).values(used_at=now))
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            raise RefreshTokenReused(row.family_id)
        return await self.issue(session, row.user_id, row.family_id)

    async def revoke_family(self, session: AsyncSession, family_id: str) -> None:
        await session.execute(update(RefreshToken).where(
            RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None)
        ).values(revoked_at=datetime.now(UTC)))

    async def family_of(self, session: AsyncSession, raw: str) -> str | None:
        return await session.scalar(select(RefreshToken.family_id).where(
            RefreshToken.token_hash == digest(raw)))

    async def revoke_user(self, session: AsyncSession, user_id: str) -> None:
        await session.execute(update(RefreshToken).where(
            RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)
        ).values(revoked_at=datetime.now(UTC)))
