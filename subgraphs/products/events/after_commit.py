"""Work that must wait until a message boundary's transaction has ended (cache updates).

The inbox wrapper (``streaming.inbox.idempotent``) opens the session, runs the handler and
commits; the handler cannot run code after that commit itself. Sessions of this class run the
callbacks a handler registered once the session closes, which is after the commit: ``callback``
when the transaction committed, ``otherwise`` when it rolled back (a write-through of rows that
were never committed would cache them; invalidating a product that did not change costs only a
miss, while doing anything before the commit could let a reader cache the old row again).
One transaction per session, as the inbox boundary opens.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from subgraphs.kit.database import Database

__all__ = ["AfterCommitSession", "after_commit", "boundary_database"]

Callback = Callable[[], Awaitable[None]]
_KEY = "products.after_commit"
_COMMITTED = "products.committed"
log = logging.getLogger("products.events")


class _CommitTracking(Session):
    """The sync session behind an :class:`AfterCommitSession`: notes a committed transaction."""


@event.listens_for(_CommitTracking, "after_commit")
def _note_commit(session: Session) -> None:
    session.info[_COMMITTED] = True


class AfterCommitSession(AsyncSession):
    """An AsyncSession that awaits its registered callbacks when it closes."""

    sync_session_class = _CommitTracking

    async def close(self) -> None:
        await super().close()
        committed = self.info.pop(_COMMITTED, False)
        for callback, otherwise in self.info.pop(_KEY, []):
            chosen = callback if committed else otherwise
            try:
                if chosen is not None:
                    await chosen()
            except Exception:  # the transaction is over; never fail the message for this
                log.exception("after-commit callback failed")


def after_commit(
    session: AsyncSession, callback: Callback, *, otherwise: Callback | None = None
) -> None:
    """Once ``session`` (an :class:`AfterCommitSession`) has closed, run ``callback`` if its
    transaction committed, else ``otherwise`` (when given)."""
    session.info.setdefault(_KEY, []).append((callback, otherwise))


def boundary_database(database: Database) -> Database:
    """``database`` (same engine and pool) whose sessions are :class:`AfterCommitSession`."""
    boundary = copy.copy(database)
    boundary.sessions = async_sessionmaker(
        database.engine, class_=AfterCommitSession, expire_on_commit=False
    )
    return boundary
