"""A user's channel preferences: read (every channel on by default) and partly update them.

Preferences are read when an event is handled, so an opt-out applies to later events; messages
already recorded are still delivered. Never commits.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.records import Preferences
from subgraphs.notifications.domain.repository import NotificationRepository

__all__ = ["PreferenceService"]


class PreferenceService:
    def __init__(self, repository: NotificationRepository | None = None) -> None:
        self.repository = repository or NotificationRepository()

    async def get(self, session: AsyncSession, user_id: str) -> Preferences:
        return await self.repository.preferences(session, user_id)

    async def update(
        self, session: AsyncSession, user_id: str, *, email: bool | None, sms: bool | None
    ) -> Preferences:
        """Change the channels given (None keeps a channel as it is); the result."""
        current = await self.repository.preferences(session, user_id)
        changes = {k: v for k, v in {"email": email, "sms": sms}.items() if v is not None}
        updated = replace(current, **changes)
        await self.repository.save_preferences(session, user_id, updated)
        return updated
