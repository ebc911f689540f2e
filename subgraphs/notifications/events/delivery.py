"""The delivery worker: a periodic sweep that sends queued messages through their providers.

Each round first reconciles messages left ``sending`` past their lease, then claims a batch
(committed: each is ``sending`` with its attempt counted before any provider is called), calls
the providers concurrently, and settles each outcome in a transaction of its own. The
semantics (retries, dead letters, the at-least-once window) are in domain/delivery.py.
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import Counter

from common.faults import crash_point
from subgraphs.kit.database import Database
from subgraphs.kit.periodic import PeriodicSweep
from subgraphs.notifications.domain.delivery import DeliveryService
from subgraphs.notifications.domain.records import NotificationRecord

__all__ = ["DeliveryWorker"]

log = logging.getLogger("notifications.delivery")
DELIVERIES = Counter("notification_deliveries_total",
                     "Provider attempts by channel (email, sms) and result (sent, retry, refused)",
                     ["channel", "result"])


class DeliveryWorker(PeriodicSweep):
    """Every ``interval`` seconds, deliver what is due; ``stats`` for /ready."""

    def __init__(
        self, database: Database, delivery: DeliveryService, interval: float, batch: int = 20
    ) -> None:
        super().__init__(interval, name="notifications-delivery", log=log,
                         failure="delivery round failed")
        self._database, self.delivery, self.batch = database, delivery, batch
        self.counts = {"sent": 0, "queued": 0, "failed": 0, "reconciled": 0}

    def stats(self) -> dict[str, object]:
        return {**self.counts, "rounds": self.rounds, "failures": self.failures,
                "providers": {str(c): p.name for c, p in self.delivery.providers.items()}}

    async def sweep(self) -> int:
        async with self._database.transaction() as session:
            self.counts["reconciled"] += await self.delivery.reconcile(session)
        async with self._database.transaction() as session:
            claimed = await self.delivery.claim(session, self.batch)
        await asyncio.gather(*(self._deliver(record) for record in claimed))
        return len(claimed)

    async def _deliver(self, record: NotificationRecord) -> None:
        outcome = await self.delivery.attempt(record)
        crash_point("notifications.delivered")  # chaos suite: the provider has it, not settled
        DELIVERIES.labels(str(record.channel), str(outcome.verdict)).inc()
        async with self._database.transaction() as session:
            status = await self.delivery.settle(session, record, outcome)
        result = "ignored, reconciled meanwhile" if status is None else str(status)
        if status is not None:
            self.counts[str(status)] += 1
        # Ids, channel, status and our scrubbed error only: never the recipient's message.
        log.info("notification %s on %s: attempt %d -> %s%s", record.id, record.channel,
                 record.attempts, result, f" ({outcome.error})" if outcome.error else "")
