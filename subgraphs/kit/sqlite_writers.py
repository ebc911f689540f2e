"""One writing transaction at a time per SQLite database in this process, in arrival order.

SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps and
retries (1, 2, 5 ... 100 ms). Under a steady write load (a consumer's handlers, the outbox relay
and requests, each on its own pooled connection) the waiting connections poll, lose to whichever
retries at the right moment, and a write waited hundreds of ms while the database was free most
of that time: at 20 checkouts/s on the ``make dev`` stores, orders' connection threads spent ~5
thread-seconds per second inside SQLite calls for ~0.25 s of CPU.

Here a connection takes this process's writer lock (an ``asyncio.Lock``: FIFO, woken as soon as
it is free) just before its first writing statement, the moment SQLite would take its RESERVED
lock, and gives it back once SQLite has ended its transaction (commit, rollback, or the
connection going back to the pool). Reads never wait for it (WAL lets them run beside the
writer). Nothing SQLite allows is refused: a writer in another process is still waited for by the
busy handler, and a wait here longer than the busy timeout fails as SQLite would ("database is
locked").
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util.concurrency import await_, in_greenlet

__all__ = ["serialize_writers"]

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def serialize_writers(engine: AsyncEngine, timeout: float) -> None:
    """Queue ``engine``'s writing transactions on one lock per event loop (module docstring);
    ``timeout`` is SQLite's busy timeout, in seconds."""
    locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
        weakref.WeakKeyDictionary())
    holders: dict[int, asyncio.Lock] = {}  # id of a DBAPI connection -> the lock it holds

    def before(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        key = id(_dbapi(conn.connection))
        if key in holders or not _writes(statement) or not in_greenlet():
            return
        loop = asyncio.get_running_loop()
        lock = locks.get(loop)
        if lock is None:
            lock = locks[loop] = asyncio.Lock()
        try:
            await_(asyncio.wait_for(lock.acquire(), timeout))
        except TimeoutError:
            raise sqlite3.OperationalError(
                f"database is locked (no turn to write within {timeout:g} s)") from None
        holders[key] = lock

    def release(connection: Any) -> None:
        lock = holders.pop(id(_dbapi(connection)), None)
        if lock is not None and lock.locked():
            lock.release()

    # Given back once SQLite has committed or rolled back (the dialect's own calls, wrapped on
    # this engine's dialect only), not before: the next writer must not meet the busy handler.
    dialect = engine.sync_engine.dialect
    dialect.do_commit = _then(dialect.do_commit, release)  # type: ignore[method-assign]
    dialect.do_rollback = _then(dialect.do_rollback, release)  # type: ignore[method-assign]
    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine.pool, "checkin", lambda dbapi, _record: release(dbapi))


def _then(call: Callable[[Any], None], release: Callable[[Any], None]) -> Callable[[Any], None]:
    def wrapped(connection: Any) -> None:
        try:
            call(connection)
        finally:
            release(connection)
    return wrapped


def _dbapi(connection: Any) -> Any:
    """The DBAPI connection under a pool's proxy (or itself)."""
    return getattr(connection, "dbapi_connection", connection)


def _writes(statement: str) -> bool:
    return statement.lstrip()[:7].upper().startswith(_WRITES)
