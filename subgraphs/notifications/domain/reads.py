"""Reading the mailbox as Relay pages, newest first: a user's messages or everyone's."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.cursors import decode_cursor, encode_cursor
from subgraphs.notifications.domain.errors import InvalidInput
from subgraphs.notifications.domain.records import NotificationPage
from subgraphs.notifications.domain.repository import NotificationRepository

__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "MailboxReads"]

DEFAULT_PAGE = 20
MAX_PAGE = 100


class MailboxReads:
    """Queries only; who may read which messages is the caller's decision."""

    def __init__(self, repository: NotificationRepository | None = None) -> None:
        self.repository = repository or NotificationRepository()

    async def page(
        self,
        session: AsyncSession,
        first: int | None,
        after: str | None,
        *,
        user_id: str | None = None,
        recipient: str | None = None,
    ) -> NotificationPage:
        """Relay forward paging: ``first`` (default 20, at most 100) messages after ``after``."""
        limit = DEFAULT_PAGE if first is None else first
        if not 0 <= limit <= MAX_PAGE:
            raise InvalidInput(f"first must be between 0 and {MAX_PAGE}", "first")
        position = decode_cursor(after) if after is not None else None
        rows = await self.repository.page(
            session, limit + 1, position, user_id=user_id, recipient=recipient
        )
        items = tuple((encode_cursor(r.seq), r.to_record()) for r in rows[:limit])
        return NotificationPage(items, len(rows) > limit, position is not None)
