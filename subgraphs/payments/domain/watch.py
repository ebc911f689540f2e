"""Following one order's payment as it changes, for subscriptions, by polling the database.

Polling (not an in-process signal) because the change may be made by another replica's
consumer; one indexed lookup per subscriber per interval is cheap.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.payments.domain.records import PaymentRecord, PaymentStatus
from subgraphs.payments.domain.service import PaymentService

__all__ = ["FINAL", "PaymentWatch"]

FINAL = frozenset({PaymentStatus.FAILED, PaymentStatus.REFUNDED})


class PaymentWatch:
    """Yields an order's payment when it first exists and after every change."""

    def __init__(
        self,
        sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]],
        payments: PaymentService,
        interval: float = 0.5,
    ) -> None:
        self.sessions, self.payments, self.interval = sessions, payments, interval

    async def changes(self, order_id: str) -> AsyncIterator[PaymentRecord]:
        """Current state first (when there is one), then each change; ends after a final
        status (FAILED, REFUNDED), since nothing follows it."""
        seen = None
        while True:
            record = await self._current(order_id)
            if record is not None and (record.status, record.updated_at) != seen:
                seen = (record.status, record.updated_at)
                yield record
                if record.status in FINAL:
                    return
            await asyncio.sleep(self.interval)

    async def _current(self, order_id: str) -> PaymentRecord | None:
        async with self.sessions() as session:
            return (await self.payments.by_orders(session, [order_id]))[0]
