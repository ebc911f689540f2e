"""Idempotent inbox: a consumer records each handled event id in the handler's transaction.

The handler's state change, its outgoing events (outbox) and the inbox row commit together,
so a redelivered event finds its id already recorded and has no second effect.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import Column, DateTime, Insert, MetaData, String, Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from streaming.events import Envelope
from streaming.handlers import EventHandler, Routes, SessionHandler, routed_types

__all__ = ["claim", "idempotent", "inbox_table", "purge_inbox"]


def inbox_table(metadata: MetaData, name: str = "inbox") -> Table:
    """Declare the inbox table in a service's own metadata (so its migrations create it)."""
    return Table(
        name,
        metadata,
        Column("consumer", String(200), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )


_DEFAULT = inbox_table(MetaData())


async def claim(
    session: AsyncSession, consumer: str, event: Envelope, *, table: Table = _DEFAULT
) -> bool:
    """Record ``event`` as handled by ``consumer``; False when it already was (a redelivery).

    On PostgreSQL a concurrent claim of the same id waits for the first transaction, then
    returns False once it commits, or True if it rolled back.
    """
    statement = _claim_statement(table, session.get_bind().dialect.name)
    row = {"consumer": consumer, "event_id": str(event.id), "event_type": event.type,
           "processed_at": datetime.now(UTC)}
    result = await session.execute(statement, row)
    return result.rowcount == 1


@cache
def _claim_statement(table: Table, dialect: str) -> Insert:
    """``INSERT .. ON CONFLICT DO NOTHING`` built once per inbox table and dialect; each claim
    passes its row as parameters, so SQLAlchemy neither rebuilds it nor recomputes its cache
    key."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=["consumer", "event_id"])


async def purge_inbox(
    engine: AsyncEngine, older_than: timedelta, *, table: Table = _DEFAULT
) -> int:
    """Forget ids handled more than ``older_than`` ago; keep them longer than the topics'
    retention, or a replay from the start would run those events again."""
    cutoff = datetime.now(UTC) - older_than
    async with engine.begin() as conn:
        result = await conn.execute(delete(table).where(table.c.processed_at < cutoff))
    return result.rowcount


def idempotent(
    sessions: async_sessionmaker[AsyncSession],
    consumer: str,
    handler: SessionHandler,
    *,
    table: Table = _DEFAULT,
) -> EventHandler:
    """Wrap ``handler(session, event)`` so it runs once per event id, in one transaction with
    the inbox row; an exception rolls both back and the consumer retries. A :class:`Routes`
    handler's events without a route are skipped before any transaction: having no effect, they
    need no inbox row to be deduplicated by. The wrapper passes on the routed types
    (``event_types``), so the consumer skips those records before even decoding them."""
    return _Idempotent(sessions, consumer, handler, table)


class _Idempotent:
    """The handler :func:`idempotent` returns."""

    __slots__ = ("_handler", "_handles", "_sessions", "_table", "consumer", "event_types")

    def __init__(self, sessions: async_sessionmaker[AsyncSession], consumer: str,
                 handler: SessionHandler, table: Table) -> None:
        self._sessions, self.consumer, self._handler, self._table = (
            sessions, consumer, handler, table)
        self._handles = handler.handles if isinstance(handler, Routes) else None
        self.event_types = routed_types(handler)

    async def __call__(self, event: Envelope) -> None:
        if self._handles is not None and not self._handles(event):
            return
        async with self._sessions() as session, session.begin():
            if await claim(session, self.consumer, event, table=self._table):
                await self._handler(session, event)
