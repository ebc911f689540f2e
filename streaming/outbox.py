"""Transactional outbox: events are rows written with the state change, a relay publishes them.

A domain calls :func:`enqueue` (or :func:`enqueue_all` for several events: one statement)
inside its open transaction and never talks to Kafka; the request or message boundary commits
both together. :class:`OutboxRelay` then publishes the
rows in insertion order and marks them published. A crash before publishing loses nothing
(the rows wait); a crash after publishing but before marking republishes those rows, so
delivery is at-least-once and consumers deduplicate by event id (inbox.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Insert,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    Select,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from streaming.events import Envelope, encode
from streaming.producer import EventProducer, Message, event_headers

__all__ = ["OutboxRelay", "RelayStats", "enqueue", "enqueue_all", "outbox_table"]

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    """Declare the outbox table in a service's own metadata (so its migrations create it)."""
    return Table(
        name,
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(249), nullable=False),
        Column("key", String(255)),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text),
        Index(f"ix_{name}_unpublished", "published_at", "id"),
    )


_DEFAULT = outbox_table(MetaData())
_PENDING = "streaming.outbox.pending"
_RUNNING: weakref.WeakSet[OutboxRelay] = weakref.WeakSet()


@sa_event.listens_for(Session, "after_commit")
def _wake_relays(session: Session) -> None:
    # Publish right after a commit that enqueued events instead of at the next poll.
    if session.info.pop(_PENDING, False):
        for relay in list(_RUNNING):
            relay.wake()


@sa_event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


async def enqueue(
    session: AsyncSession | AsyncConnection,
    event: Envelope,
    *,
    topic: str | None = None,
    key: str | None = None,
    table: Table = _DEFAULT,
) -> None:
    """Add ``event`` to the outbox in the caller's open transaction; the caller commits.

    ``topic`` defaults to the payload's aggregate family and ``key`` to its aggregate id.
    """
    await _insert(session, table, [_row(event, topic, key)])


async def enqueue_all(
    session: AsyncSession | AsyncConnection, events: Iterable[Envelope], *, table: Table = _DEFAULT
) -> None:
    """Add ``events`` (each to its default topic, keyed by its aggregate id) in one ``INSERT``
    of several rows, in the caller's open transaction; the caller commits.

    The relay publishes in ``id`` order, and the ids of one multi-row ``INSERT .. VALUES`` are
    drawn row by row in the order listed (PostgreSQL's ``nextval`` default per row, SQLite's
    rowid per row), so ``events`` reach Kafka in the order given, as if enqueued one by one.
    """
    await _insert(session, table, [_row(event, None, None) for event in events])


def _row(event: Envelope, topic: str | None, key: str | None) -> dict[str, object]:
    return {
        "event_id": str(event.id),
        "event_type": event.type,
        "topic": topic or event.topic,
        "key": key if key is not None else event.key,
        "value": encode(event),
        "headers": [[k, v.decode()] for k, v in event_headers(event)],
        "created_at": datetime.now(UTC),
        "attempts": 0,
    }


async def _insert(
    session: AsyncSession | AsyncConnection, table: Table, rows: list[dict[str, object]]
) -> None:
    if not rows:
        return
    if isinstance(session, AsyncSession):
        session.info[_PENDING] = True  # wakes this process's relays after the commit
    if len(rows) == 1:
        await session.execute(_enqueue_statement(table), rows[0])
        return
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start:start + _ROWS_PER_INSERT]
        values = {f"{name}_{n}": row[name] for n, row in enumerate(chunk) for name in _COLUMNS}
        await session.execute(_rows_statement(table, len(chunk)), values)


# Bound parameters per statement stay far below PostgreSQL's 32767 and SQLite's 32766.
_ROWS_PER_INSERT = 500
_COLUMNS = ("event_id", "event_type", "topic", "key", "value", "headers", "created_at", "attempts")


@cache
def _enqueue_statement(table: Table) -> Insert:
    """The outbox ``INSERT`` built once per table; each event passes its row as parameters."""
    return insert(table)


@lru_cache(maxsize=64)
def _rows_statement(table: Table, count: int) -> Insert:
    """``INSERT .. VALUES`` of ``count`` rows built once per table and count (row ``n``'s values
    are parameters ``<column>_<n>``), so SQLAlchemy neither rebuilds it nor recomputes its cache
    key per transaction."""
    return insert(table).values([
        {name: bindparam(f"{name}_{n}", type_=table.c[name].type) for name in _COLUMNS}
        for n in range(count)
    ])


@dataclass(frozen=True, slots=True)
class RelayStats:
    """What the relay did since it started, for /ready or metrics."""

    published: int
    failures: int
    last_error: str | None


class OutboxRelay:
    """Polls unpublished rows in id order, publishes them, marks them; retries with backoff."""

    def __init__(
        self,
        engine: AsyncEngine,
        producer: EventProducer,
        *,
        table: Table = _DEFAULT,
        batch_size: int = 100,
        poll_interval: float = 0.2,
        max_backoff: float = 5.0,
    ) -> None:
        self.engine, self.producer, self.table = engine, producer, table
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._wake, self._stopping = asyncio.Event(), asyncio.Event()
        # Told ``(topic, value)`` of each record once the broker acknowledged it, e.g. this
        # process's subscription feed (Broadcast.published), which then skips a fetch hop.
        self.listeners: list[Callable[[str, bytes], None]] = []
        self._published = self._failures = 0
        self._last_error: str | None = None
        self._unpublished = _unpublished(table, batch_size)
        self._unpublished_if_leading = _unpublished_if_leading(self._unpublished, table)
        self._published_now = (
            update(table)
            .where(table.c.id.in_(bindparam("ids", expanding=True)))
            .values(published_at=bindparam("now"))
        )

    def stats(self) -> RelayStats:
        return RelayStats(self._published, self._failures, self._last_error)

    def wake(self) -> None:
        """Publish now instead of at the next poll (call it after committing new events)."""
        self._wake.set()

    def stop(self) -> None:
        """Ask :meth:`run` to return after the current pass."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Publish until stopped or cancelled, then stop the producer. Broker failures are
        retried with backoff; rows are never dropped."""
        delay = self.poll_interval
        _RUNNING.add(self)
        try:
            while not self._stopping.is_set():
                try:
                    await self.producer.start()
                    await self.publish_pending()
                    delay = self.poll_interval
                except Exception as exc:  # broker down, metadata timeout, database hiccup
                    delay = self._failed(exc, delay)
                await self._sleep(delay)
        finally:
            _RUNNING.discard(self)
            await self.producer.stop()

    async def publish_pending(self) -> int:
        """Publish every unpublished row now; the number published. Raises on the first failure."""
        total = 0
        while True:
            count = await self._publish_batch()
            total += count
            if count < self.batch_size:
                return total

    async def pending(self) -> int:
        """How many rows wait to be published."""
        async with self.engine.connect() as conn:
            query = select(func.count()).where(self.table.c.published_at.is_(None))
            return int(await conn.scalar(query) or 0)

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many rows wait to be published, and when the oldest of them was written."""
        t = self.table
        query = select(func.count(), func.min(t.c.created_at)).where(t.c.published_at.is_(None))
        async with self.engine.connect() as conn:
            count, oldest = (await conn.execute(query)).one()
        if oldest is not None and oldest.tzinfo is None:  # SQLite keeps no zone: it was UTC
            oldest = oldest.replace(tzinfo=UTC)
        return int(count or 0), oldest

    async def purge(self, older_than: timedelta) -> int:
        """Delete rows published more than ``older_than`` ago; how many were deleted."""
        t, cutoff = self.table, datetime.now(UTC) - older_than
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(t).where(t.c.published_at < cutoff))
        return result.rowcount

    async def _publish_batch(self) -> int:
        async with self.engine.connect() as conn:
            postgres = conn.dialect.name == "postgresql"
            rows = await self._fetch(conn, lead=postgres)
            if not postgres:
                await conn.commit()  # SQLite: hold no read snapshot while talking to Kafka
            acked, error = await self._send(rows)
            self._tell(rows[:acked])
            await self._mark(conn, rows, acked, error)
            await conn.commit()
        self._published += acked
        if error is not None:
            raise error
        return acked

    def _tell(self, rows: Sequence[Row]) -> None:
        for listener in self.listeners:
            for row in rows:
                try:
                    listener(row.topic, row.value)
                except Exception:  # a listener's bug must not stop publishing
                    log.exception("outbox relay: listener %r failed", listener)

    async def _fetch(self, conn: AsyncConnection, *, lead: bool) -> Sequence[Row]:
        """The next batch of unpublished rows; with ``lead`` (PostgreSQL) only while this relay
        is the outbox's one publisher, the rows locked until the commit, in one statement."""
        query = self._unpublished_if_leading if lead else self._unpublished
        return (await conn.execute(query)).all()

    async def _send(self, rows: Sequence[Row]) -> tuple[int, BaseException | None]:
        if not rows:
            return 0, None
        try:
            await self.producer.ensure_topics({row.topic for row in rows})
        except Exception as exc:
            return 0, exc
        messages = [
            Message(r.topic, r.value, r.key, [(k, v.encode()) for k, v in r.headers]) for r in rows
        ]
        return await self.producer.send_batch(messages)

    async def _mark(
        self, conn: AsyncConnection, rows: Sequence[Row], acked: int, error: BaseException | None
    ) -> None:
        t = self.table
        if acked:
            done = [row.id for row in rows[:acked]]
            await conn.execute(self._published_now, {"ids": done, "now": datetime.now(UTC)})
        if error is not None and acked < len(rows):
            failed = update(t).where(t.c.id == rows[acked].id)
            await conn.execute(
                failed.values(attempts=t.c.attempts + 1, last_error=repr(error)[:2000])
            )

    def _failed(self, exc: Exception, delay: float) -> float:
        delay = min(max(delay, self.poll_interval) * 2, self.max_backoff)
        self._failures += 1
        self._last_error = repr(exc)
        log.warning("outbox relay: publish failed, retrying in %.1fs: %r", delay, exc)
        return delay

    async def _sleep(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)
        self._wake.clear()


def _unpublished(table: Table, batch_size: int) -> Select:
    """The first ``batch_size`` unpublished rows in insertion order."""
    t = table
    return (
        select(t.c.id, t.c.topic, t.c.key, t.c.value, t.c.headers)
        .where(t.c.published_at.is_(None))
        .order_by(t.c.id)
        .limit(batch_size)
    )


def _unpublished_if_leading(unpublished: Select, table: Table) -> Select:
    """PostgreSQL: the same rows, locked (SKIP LOCKED), and none unless this transaction takes
    the outbox's advisory lock. One publisher per outbox at a time: with several relays, SKIP
    LOCKED alone would let two batches of one aggregate race and reach Kafka out of order.

    The lock is an uncorrelated subquery, so PostgreSQL evaluates it once (an InitPlan) as a
    filter before reading any row; without it the query returns nothing and locks nothing.
    """
    key = zlib.crc32(f"outbox:{table.name}".encode())
    leading = select(func.pg_try_advisory_xact_lock(key, type_=Boolean)).scalar_subquery()
    return unpublished.where(leading).with_for_update(skip_locked=True)
