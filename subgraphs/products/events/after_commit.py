"""Work that must wait until a message boundary's transaction has ended (cache invalidation).

The inbox wrapper (``streaming.inbox.idempotent``) opens the session, runs the handler and
commits; the handler cannot run code after that commit itself. Sessions of this class run the
callbacks a handler registered once the session closes, which is after the commit. After a
rollback they run as well: invalidating a product that did not change costs one cache miss,
while invalidating before the commit could let a reader cache the old row again.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.kit.database import Database

__all__ = ["AfterCommitSession", "after_commit", "boundary_database"]

Callback = Callable[[], Awaitable[None]]
_KEY = "products.after_commit"
log = logging.getLogger("products.events")


class AfterCommitSession(AsyncSession):
    """An AsyncSession that awaits its registered callbacks when it closes."""

    async def close(self) -> None:
        await super().close()
        for callback in self.info.pop(_KEY, []):
            try:
                await callback()
            except Exception:  # the transaction is over; never fail the message for this
                log.exception("after-commit callback failed")


def after_commit(session: AsyncSession, callback: Callback) -> None:
    """Run ``callback`` once ``session`` (an :class:`AfterCommitSession`) has closed."""
    session.info.setdefault(_KEY, []).append(callback)


def boundary_database(database: Database) -> Database:
    """``database`` (same engine and pool) whose sessions are :class:`AfterCommitSession`."""
    boundary = copy.copy(database)
    boundary.sessions = async_sessionmaker(
        database.engine, class_=AfterCommitSession, expire_on_commit=False
    )
    return boundary
