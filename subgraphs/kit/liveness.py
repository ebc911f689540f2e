"""Check a pooled PostgreSQL connection before use only when it sat idle long enough to have died.

SQLAlchemy's ``pool_pre_ping`` tests every connection at every checkout. On asyncpg that test
is three round trips (``BEGIN``, ``;``, ``ROLLBACK``), and a service checks a connection out
several times per request or event: under load it was 7-12 % of orders' and payments' CPU
(tests/bench/RESULTS.md). A connection returned to the pool a moment ago is as alive as the
test would prove; one idle for longer may have been closed by the server, a restart or a
middlebox, so only that one is pinged. A dead one is replaced before the caller sees it, with
every other connection opened before it.

A server that goes away between two close uses is still noticed: the first statement on a dead
connection fails, SQLAlchemy recognises the disconnect and invalidates the whole pool, so every
later checkout opens a fresh connection.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["IDLE_PING_AFTER", "ping_after_idle"]

# Seconds a connection may rest in the pool and still be used without a test: far below any
# server or network idle timeout, far above the gaps between uses under load.
IDLE_PING_AFTER = 5.0

_RETURNED = "kit.liveness.returned_at"


def ping_after_idle(engine: AsyncEngine, idle_seconds: float | None = None) -> None:
    """Ping a connection at checkout when it rested in the pool ``idle_seconds`` or longer
    (default: ``IDLE_PING_AFTER`` as it is at each checkout)."""
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    @event.listens_for(sync_engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED)
        # a new connection (no return recorded: ``info`` starts empty with each one) just
        # answered its handshake; a recently returned one needs no test either
        limit = IDLE_PING_AFTER if idle_seconds is None else idle_seconds
        if returned is None or time.monotonic() - returned < limit:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # one dead idle connection means the others that rested as long are likely dead too
            # (a server restart): the pool discards every connection opened before now and
            # this checkout gets a new one
            raise InvalidatePoolError(f"pooled connection failed its ping: {error!r}") from error
