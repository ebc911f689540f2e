"""The seam where account events leave the domain: written in the caller's transaction.

``UserRegistered`` will go through the transactional outbox (streaming/outbox.py, in progress):
an implementation of ``UserEvents`` then inserts the event row with the same session as the
new account, so the event exists if and only if the account does. Until then ``NoUserEvents``
is wired in and nothing is published.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.users.domain.records import UserRecord

__all__ = ["NoUserEvents", "UserEvents"]


class UserEvents(Protocol):
    """Enqueues account events; must never commit or publish directly (STYLE.md, imports 4)."""

    async def user_registered(self, session: AsyncSession, user: UserRecord) -> None: ...


class NoUserEvents:
    """The placeholder until the outbox exists: records nothing."""

    async def user_registered(self, session: AsyncSession, user: UserRecord) -> None:
        return None
