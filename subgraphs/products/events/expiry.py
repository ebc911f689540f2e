"""The periodic sweep that gives back the units of reservations nobody paid for in time."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from subgraphs.kit.database import Database
from subgraphs.products.domain.cache import CatalogCache
from subgraphs.products.domain.inventory import InventoryService

__all__ = ["ReservationSweeper"]

log = logging.getLogger("products.expiry")


class ReservationSweeper:
    """Every ``interval`` seconds, expire overdue reservations, one transaction per order."""

    def __init__(
        self, database: Database, inventory: InventoryService, catalog: CatalogCache,
        interval: float, batch: int = 100,
    ) -> None:
        self._database, self._inventory, self._catalog = database, inventory, catalog
        self.interval, self.batch = interval, batch
        self.expired = 0  # orders expired since start, reported on /ready
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def sweep(self) -> int:
        """Expire every overdue order now; returns how many were expired."""
        count = 0
        while orders := await self._due():
            for order_id in orders:
                count += await self._expire(order_id)
            if len(orders) < self.batch:
                break
        self.expired += count
        return count

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="products-reservation-sweeper")

    async def stop(self) -> None:
        self._stopping.set()
        task, self._task = self._task, None
        if task is not None:
            await asyncio.wait([task], timeout=10)
            task.cancel()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.sweep()
            except Exception:  # a database hiccup: try again next round
                log.exception("reservation sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)

    async def _due(self) -> list[str]:
        async with self._database.sessions() as session:
            return await self._inventory.due_orders(session, self.batch)

    async def _expire(self, order_id: str) -> int:
        async with self._database.transaction() as session:
            touched = await self._inventory.expire(session, order_id)
        await self._catalog.invalidate(*touched)  # after the commit, never before
        return 1 if touched else 0
