"""The ``User`` entity (``@key(fields: "id")``, owned by users); this subgraph adds
``notifications``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.kit.errors import Forbidden
from subgraphs.notifications.graphql.preferences import NotificationPreferences
from subgraphs.notifications.graphql.types import NotificationConnection

__all__ = ["User"]


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field(
        description="Messages sent to the user, newest first. The user or an admin only."
    )
    async def notifications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> NotificationConnection:
        viewer = info.context.require_user()
        if viewer.id != str(self.id) and not viewer.is_admin:
            raise Forbidden("Only the user themself or an admin may see these notifications")
        async with info.context.database.reads() as session:
            page = await info.context.mailbox.page(session, first, after, user_id=str(self.id))
        return NotificationConnection.from_page(page)

    @strawberry.field(
        description="The channels the user accepts (all until they opt out). The user or an "
        "admin only."
    )
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        viewer = info.context.require_user()
        if viewer.id != str(self.id) and not viewer.is_admin:
            raise Forbidden("Only the user themself or an admin may see these preferences")
        async with info.context.database.reads() as session:
            found = await info.context.preferences.get(session, str(self.id))
        return NotificationPreferences.from_domain(found)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        # Federation spec, _entities: any user id is a valid reference; whether the caller may
        # read that user's notifications is decided when the field is resolved.
        return cls(id=id)
