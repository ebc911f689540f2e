"""The periodic sweep that gives back the units of reservations nobody paid for in time."""

from __future__ import annotations

import logging

from subgraphs.kit.database import Database
from subgraphs.kit.periodic import PeriodicSweep
from subgraphs.products.domain.cache import CatalogCache
from subgraphs.products.domain.inventory import InventoryService

__all__ = ["ReservationSweeper"]

log = logging.getLogger("products.expiry")


class ReservationSweeper(PeriodicSweep):
    """Every ``interval`` seconds, expire overdue reservations, one transaction per order."""

    def __init__(
        self, database: Database, inventory: InventoryService, catalog: CatalogCache,
        interval: float, batch: int = 100,
    ) -> None:
        super().__init__(interval, name="products-reservation-sweeper", log=log,
                         failure="reservation sweep failed")
        self._database, self._inventory, self._catalog = database, inventory, catalog
        self.batch = batch
        self.expired = 0  # orders expired since start, reported on /ready

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

    async def _due(self) -> list[str]:
        async with self._database.reads() as session:
            return await self._inventory.due_orders(session, self.batch)

    async def _expire(self, order_id: str) -> int:
        async with self._database.transaction() as session:
            changed = await self._inventory.expire(session, order_id)
        if changed:
            await self._catalog.write_through(changed)  # after the commit, never before
        return 1 if changed else 0
