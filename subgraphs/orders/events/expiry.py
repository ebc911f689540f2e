"""The periodic sweep that cancels orders nobody paid for in time ("payment timeout").

Each cancellation enqueues OrderCancelled, so products releases the stock and payments refuses
(or refunds) a charge that comes later.
"""

from __future__ import annotations

import logging

from subgraphs.kit.database import Database
from subgraphs.kit.periodic import PeriodicSweep
from subgraphs.orders.domain.service import OrderService

__all__ = ["OrderExpiry"]

log = logging.getLogger("orders.expiry")


class OrderExpiry(PeriodicSweep):
    """Every ``interval`` seconds, cancel overdue PENDING orders, one transaction per order."""

    def __init__(
        self, database: Database, orders: OrderService, interval: float, batch: int = 100
    ) -> None:
        super().__init__(interval, name="orders-expiry", log=log,
                         failure="order expiry sweep failed")
        self._database, self._orders = database, orders
        self.batch = batch
        self.expired = 0  # orders cancelled since start

    async def sweep(self) -> int:
        """Cancel every overdue PENDING order now; returns how many were cancelled."""
        count = 0
        while due := await self._due():
            done = sum([await self._expire(order_id) for order_id in due])
            count += done
            if len(due) < self.batch or not done:  # a short page, or no progress: stop
                break
        self.expired += count
        return count

    async def _due(self) -> list[str]:
        cutoff = self._orders.clock() - self._orders.payment_timeout
        async with self._database.reads() as session:
            return await self._orders.repository.pending_before(session, cutoff, self.batch)

    async def _expire(self, order_id: str) -> int:
        try:
            async with self._database.transaction() as session:
                return int(await self._orders.expire(session, order_id))
        except Exception:  # a payment landed meanwhile, or a hiccup: the next round decides
            log.exception("could not expire order %s", order_id)
            return 0
