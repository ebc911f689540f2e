"""One writer at a time per SQLite file, queued in the process instead of in SQLite's busy handler.

SQLite lets one connection write at a time; a second writer waits in SQLite's busy handler,
which sleeps in growing steps (1, 2, 5, 10 ... 100 ms) and so wakes late: at 20 checkouts/s
every writing hop's p95 was 130-250 ms (tests/bench/RESULTS.md, issue 17). Here a connection
takes the process's asyncio lock at its first writing statement and gives it back when it
returns to the pool (after its commit or rollback), so writers take turns as soon as the file
is free. Reads never wait. Each service owns its file, so other processes (migrations, backups)
rarely write meanwhile, and when they do SQLite's own busy handler still applies.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

__all__ = ["queue_writers"]

_WRITES = ("insert", "update", "delete", "replace")
_HOLDS = "kit.sqlite_writes.turn"


def queue_writers(engine: AsyncEngine, *, within: float = 30.0) -> None:
    """Make ``engine``'s connections take turns writing; a writer waiting longer than
    ``within`` seconds fails as SQLite's own busy timeout would (a transient error)."""
    turn = asyncio.Lock()

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _take(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # conn.info belongs to the pooled DBAPI connection: the flag lives until its checkin
        if _HOLDS in conn.info or not statement.lstrip()[:7].lower().startswith(_WRITES):
            return
        try:
            await_only(asyncio.wait_for(turn.acquire(), within))
        except TimeoutError as exc:
            raise OperationalError(statement, None, exc) from exc
        conn.info[_HOLDS] = turn

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _give_back(_dbapi: Any, record: Any) -> None:
        if record.info.pop(_HOLDS, None) is turn:  # also for an invalidated connection
            turn.release()
