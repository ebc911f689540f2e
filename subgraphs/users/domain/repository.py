"""All SQL of the users database: batched lookups by id, lookup by email, insert."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.users.domain.errors import DuplicateEmail
from subgraphs.users.domain.models import User

__all__ = ["UserRepository"]


class UserRepository:
    """Stateless; every method works inside the caller's session and transaction."""

    async def get_many(self, session: AsyncSession, ids: Sequence[str]) -> dict[str, User]:
        """Users by id in one SELECT; unknown ids are simply absent."""
        if not ids:
            return {}
        rows = await session.scalars(select(User).where(User.id.in_(set(ids))))
        return {row.id: row for row in rows}

    async def by_email(self, session: AsyncSession, email: str) -> User | None:
        """The user with this normalised email, or None."""
        return await session.scalar(select(User).where(User.email == email))

    async def emails_present(self, session: AsyncSession, emails: Sequence[str]) -> set[str]:
        rows = await session.scalars(select(User.email).where(User.email.in_(set(emails))))
        return set(rows)

    async def add(self, session: AsyncSession, user: User) -> User:
        """Insert; the unique constraint, not a prior read, decides duplicates (race-safe)."""
        session.add(user)
        try:
            await session.flush()
        except IntegrityError as exc:
            if "email" in str(exc.orig).lower():
                raise DuplicateEmail() from None
            raise
        return user
