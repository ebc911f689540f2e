"""SQLite statements run on the event loop's own thread instead of a thread per connection.

aiosqlite hands every call (execute, fetch, commit) to the connection's thread and wakes the
event loop with the answer: two thread switches and a loop turn per statement. A statement on
a local SQLite file takes tens of microseconds, so the hand-over costs more than the work, and
under load each loop turn is the wait of everything else ready on the loop: a write transaction
of five statements held SQLite's write lock 25-35 ms at 20 checkouts/s, and every other writer
of the process queued behind it.

Here the connection is plain ``sqlite3`` wrapped in the awaitable shape SQLAlchemy's aiosqlite
dialect drives (``create_async_engine(..., async_creator=...)``); each call runs to completion
when awaited. What keeps this safe:

- writers of this process never wait in SQLite's busy handler (which would sleep on the loop's
  thread): ``subgraphs.kit.sqlite_writers`` queues them on an asyncio lock first;
- WAL: readers never wait for the writer;
- the cost of a statement is its own: a slow query blocks the loop as long as it runs, which on
  the dev stores (small local files) is microseconds to a few ms, commits' fsync included
  (~0.4 ms here).

A writer in *another* process (a CLI against the same file) is still waited for by the busy
handler, on the loop's thread: the service stalls until that writer commits (at most the busy
timeout). The stores are one process's each; PostgreSQL is the deployment database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

from sqlalchemy.engine import make_url

__all__ = ["inline_connector"]


def inline_connector(url: str, busy_timeout: float) -> Callable[[], Awaitable[InlineConnection]]:
    """``async_creator`` for ``create_async_engine(url)``: what the dialect would open, inline."""
    parsed = make_url(url)
    args, options = parsed.get_dialect()().create_connect_args(parsed)
    options = {**options, "timeout": busy_timeout, "check_same_thread": False}

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(*args, **options))

    return connect


class InlineConnection:
    """The calls SQLAlchemy's aiosqlite adapter makes on an ``aiosqlite.Connection``."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # None once closed

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value

    def cursor(self) -> _InlineCursor:
        return _InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """What a forced termination calls."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)


class _InlineCursor:
    """An ``aiosqlite.Cursor``'s awaitable surface over a ``sqlite3.Cursor``."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> _InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = None) -> _InlineCursor:
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> _InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    def __aiter__(self) -> _InlineCursor:
        return self

    async def __anext__(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    def __iter__(self) -> Iterator[Any]:  # pragma: no cover - SQLAlchemy iterates async
        return iter(self._cursor)
