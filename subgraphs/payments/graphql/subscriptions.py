"""``paymentStatusChanged``: an order's payment as it changes (owner or admin only).

Fed by the ``payments`` topic, read whole by every replica (``streaming.broadcast``): each event
of the order wakes the subscription, which then reads the payment. Without Kafka (tests that
leave it out) the database is polled instead (``PaymentWatch``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

import strawberry
from strawberry.types import Info

from streaming.broadcast import Broadcast
from subgraphs.kit.errors import Forbidden
from subgraphs.kit.graphql_errors import coded, subscriber
from subgraphs.payments.domain.records import PaymentRecord
from subgraphs.payments.domain.watch import FINAL
from subgraphs.payments.graphql.access import visible
from subgraphs.payments.graphql.entities import Payment

__all__ = ["Subscription"]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The order's payment when it exists and after each change; completes after "
        "FAILED or REFUNDED. UNAUTHENTICATED without a token; FORBIDDEN once the payment shows "
        "the order is not yours."
    )
    async def payment_status_changed(
        self, info: Info, order_id: strawberry.ID
    ) -> AsyncGenerator[Payment, None]:
        viewer = subscriber(info)
        feed = info.context.status_feed
        watch = info.context.watch
        changes = watch.changes(str(order_id)) if feed is None else _changes(info, feed,
                                                                             str(order_id))
        async for record in changes:
            if visible(viewer, record) is None:
                raise coded(Forbidden("Only the order's owner or an admin may follow it"))
            yield Payment.from_record(record)


async def _changes(info: Info, feed: Broadcast, order_id: str) -> AsyncIterator[PaymentRecord]:
    """The payment now (when there is one), then after each event of the order; ends after a
    final status. Listening starts before the first read, so no change falls in between."""
    async with feed.listen(order_id) as events:
        seen = None
        while True:
            record = await _current(info, order_id)
            if record is not None and (record.status, record.updated_at) != seen:
                seen = (record.status, record.updated_at)
                yield record
                if record.status in FINAL:
                    return
            await anext(events)


async def _current(info: Info, order_id: str) -> PaymentRecord | None:
    async with info.context.database.reads() as session:
        return (await info.context.payments.by_orders(session, [order_id]))[0]
