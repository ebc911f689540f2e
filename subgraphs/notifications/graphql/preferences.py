"""``NotificationPreferences`` and ``updateNotificationPreferences`` (the signed-in user only)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.notifications.domain.records import Preferences

__all__ = ["Mutation", "NotificationPreferences"]


@strawberry.type(description="Which channels a user accepts messages on.")
class NotificationPreferences:
    email: bool
    sms: bool

    @classmethod
    def from_domain(cls, preferences: Preferences) -> NotificationPreferences:
        return cls(email=preferences.email, sms=preferences.sms)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Opt the signed-in user in or out of a channel; an omitted channel is kept. "
        "Applies to events handled from now on."
    )
    async def update_notification_preferences(
        self, info: Info, email: bool | None = None, sms: bool | None = None
    ) -> NotificationPreferences:
        viewer = info.context.require_user()
        async with info.context.database.transaction() as session:
            updated = await info.context.preferences.update(
                session, viewer.id, email=email, sms=sms
            )
        return NotificationPreferences.from_domain(updated)
