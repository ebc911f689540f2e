"""One async SQLAlchemy engine per service: SQLite file in dev, PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event, text
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session

from subgraphs.kit.liveness import ping_after_idle
from subgraphs.kit.settings import ServiceSettings
from subgraphs.kit.sqlite_inline import inline_connector
from subgraphs.kit.sqlite_writers import serialize_writers

__all__ = ["Database"]

_BUSY_SECONDS = 30  # how long SQLite waits for another connection's write to end


class Database:
    """Engine plus session factory; the request or message boundary owns the transaction."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 15,
                 max_overflow: int = 5) -> None:
        self.url = url
        self.engine: AsyncEngine = _make_engine(url, echo, pool_size, max_overflow)
        # Connections opened since start: a count rising under steady load means the pool is
        # too small for the concurrency and overflow connections are opened and closed per use.
        self.connections_opened = 0
        event.listen(self.engine.sync_engine, "connect", self._opened)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads on PostgreSQL run in autocommit: no BEGIN and no ROLLBACK round trip around
        # them. Each statement sees the data committed when it starts, as it would inside a
        # READ COMMITTED transaction, so a read-only unit of work loses nothing. SQLite starts
        # no transaction for a read anyway.
        reads = self.engine if self.is_sqlite else self.engine.execution_options(
            isolation_level="AUTOCOMMIT")
        self._reads = async_sessionmaker(reads, expire_on_commit=False,
                                         sync_session_class=_ReadSession)

    @classmethod
    def of(cls, settings: ServiceSettings) -> Database:
        """The service's database as its settings describe it (URL, pool size, overflow)."""
        return cls(settings.database_url, pool_size=settings.database_pool_size,
                   max_overflow=settings.database_max_overflow)

    def _opened(self, _dbapi_connection: object, _record: object) -> None:
        self.connections_opened += 1

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[AsyncSession]:
        """A session for reading only, without a transaction around it (see ``__init__``):
        statements that write, and flushes, raise instead of committing one by one."""
        async with self._reads() as session:
            yield session

    async def ping(self) -> None:
        """Raise when the database cannot answer a trivial query."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _make_engine(url: str, echo: bool, pool_size: int, max_overflow: int) -> AsyncEngine:
    # Looked up at call time: the OpenTelemetry instrumentation wraps the module's function at
    # start-up (common/telemetry/instrument.py), after this module was imported.
    create_async_engine = sa_asyncio.create_async_engine
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo,
                                     async_creator=inline_connector(url, _BUSY_SECONDS))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        serialize_writers(engine, _BUSY_SECONDS)
        return engine
    engine = create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=max_overflow)
    ping_after_idle(engine)  # instead of pool_pre_ping's three round trips at every checkout
    return engine


class _ReadSession(Session):
    """The sessions of ``Database.reads()``: its listeners below concern no other session."""


_WRITE_REFUSED = "Database.reads() sessions only read; write in Database.transaction()"


@event.listens_for(_ReadSession, "do_orm_execute")
def _refuse_writes(state: ORMExecuteState) -> None:
    if not state.is_select:
        raise RuntimeError(_WRITE_REFUSED)


@event.listens_for(_ReadSession, "before_flush")
def _refuse_flush(_session: Session, _context: object, _instances: object) -> None:
    raise RuntimeError(_WRITE_REFUSED)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers and one writer work at once; foreign keys are off by default in SQLite.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_SECONDS * 1000}")
    cursor.close()
