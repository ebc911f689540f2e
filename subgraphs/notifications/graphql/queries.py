"""``devMailbox``: every message the dev mailbox holds, for admins (to watch the saga)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.notifications.graphql.types import NotificationConnection

__all__ = ["Query"]


@strawberry.type
class Query:
    @strawberry.field(
        description="All recorded messages, newest first, optionally for one recipient (an "
        "email address, a phone number or 'user:<id>'). Role admin."
    )
    async def dev_mailbox(
        self, info: Info, first: int | None = None, after: str | None = None,
        recipient: str | None = None,
    ) -> NotificationConnection:
        info.context.require_role("admin")
        async with info.context.database.reads() as session:
            page = await info.context.mailbox.page(session, first, after, recipient=recipient)
        return NotificationConnection.from_page(page)
