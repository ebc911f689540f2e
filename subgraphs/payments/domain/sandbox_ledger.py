"""The sandbox provider's ledger: every charge and refund it made, keyed by idempotency key.

It stands for the books of an external provider, so it commits in its own transactions,
apart from payments' event-handling transaction: a charge that happened stays recorded even
when the handler that asked for it rolls back. It lives in a database (not in memory) so a
restart never forgets a key.

Every access is one Core statement on a connection of its own; on PostgreSQL in autocommit,
so a read or an append is one round trip (a single statement is its own transaction).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    MetaData,
    Row,
    String,
    Table,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.kit.columns import UtcDateTime
from subgraphs.kit.database import Database

__all__ = ["LEDGER", "SandboxLedger"]

LEDGER = Table(
    "sandbox_ledger",
    MetaData(),
    Column("idempotency_key", String(255), primary_key=True),
    Column("kind", String(10), nullable=False),  # charge | refund
    Column("request", String(1000), nullable=False),  # the parameters the key was first used with
    Column("succeeded", Boolean, nullable=False),
    Column("reference", String(64), index=True),  # ch_... or re_...
    Column("charge_reference", String(64), index=True),  # refunds: the charge refunded
    Column("payment_method", String(255)),
    Column("amount", BigInteger, nullable=False),
    Column("failure_code", String(100)),
    Column("failure_message", String(500)),
    Column("created_at", UtcDateTime, nullable=False),
)

# The statements of every charge, built once (values are parameters; see ``record``).
_FIND = select(LEDGER).where(LEDGER.c.idempotency_key == bindparam("key"))


def _append(insert: Any) -> Any:
    return (insert(LEDGER).on_conflict_do_nothing(index_elements=[LEDGER.c.idempotency_key])
            .returning(*LEDGER.columns))


_APPEND = {"postgresql": _append(postgresql.insert), "sqlite": _append(sqlite.insert)}


class SandboxLedger:
    """Reads and appends ledger rows, each in a transaction of its own."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._ready = False
        self._lock = asyncio.Lock()

    @functools.cached_property
    def _engine(self) -> AsyncEngine:
        # As Database.reads(): no BEGIN and COMMIT round trips around one statement.
        engine = self.database.engine
        if self.database.is_sqlite:
            return engine
        return engine.execution_options(isolation_level="AUTOCOMMIT")

    async def ensure(self) -> None:
        """Create the ledger table if missing (the provider's storage, not payments' schema)."""
        if self._ready:
            return
        async with self._lock:
            if not self._ready:
                async with self.database.engine.begin() as conn:
                    await conn.run_sync(LEDGER.metadata.create_all, checkfirst=True)
                self._ready = True

    async def find(self, key: str) -> Row[Any] | None:
        """The row of this idempotency key, or None."""
        await self.ensure()
        async with self._engine.connect() as conn:
            return (await conn.execute(_FIND, {"key": key})).first()

    async def record(self, values: dict[str, Any]) -> Row[Any]:
        """Append a row unless its idempotency key has one (an earlier or concurrent call's),
        and return the key's row: the one appended, or the one already there."""
        await self.ensure()
        statement = _APPEND[self._engine.dialect.name]
        async with self._engine.begin() as conn:
            # every column named, so charges and refunds share one compiled statement
            row = (await conn.execute(statement, {"charge_reference": None, **values})).first()
        if row is None:  # the key was taken
            row = await self.find(values["idempotency_key"])
        assert row is not None
        return row

    async def charge(self, reference: str) -> Row[Any] | None:
        """The successful charge with this transaction id, or None."""
        where = (LEDGER.c.reference == reference, LEDGER.c.kind == "charge", LEDGER.c.succeeded)
        return await self._first(*where)

    async def refund_of(self, charge_reference: str) -> Row[Any] | None:
        """The successful refund of this charge, or None."""
        return await self._first(LEDGER.c.charge_reference == charge_reference, LEDGER.c.succeeded)

    async def count(self, kind: str, *, succeeded: bool | None = None) -> int:
        """How many charges or refunds the sandbox made (operators and tests read this)."""
        await self.ensure()
        query = select(func.count()).select_from(LEDGER).where(LEDGER.c.kind == kind)
        if succeeded is not None:
            query = query.where(LEDGER.c.succeeded.is_(succeeded))
        async with self.database.reads() as session:
            return int(await session.scalar(query) or 0)

    async def _first(self, *where: Any) -> Row[Any] | None:
        await self.ensure()
        async with self._engine.connect() as conn:
            return (await conn.execute(select(LEDGER).where(*where))).first()
