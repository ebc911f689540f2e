"""``paymentStatusChanged``: an order's payment as it changes (owner or admin only).

Fed by the ``payments`` topic, read whole by every replica (``streaming.broadcast``): each event
of the order wakes the subscription, which then reads the payment. Without Kafka (tests that
leave it out) the database is polled instead (``PaymentWatch``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from streaming.broadcast import Broadcast
from subgraphs.kit.errors import AppError, Forbidden
from subgraphs.kit.tokens import Principal
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
        viewer = _viewer(info)
        feed = info.context.status_feed
        watch = info.context.watch
        changes = watch.changes(str(order_id)) if feed is None else _changes(info, feed,
                                                                             str(order_id))
        async for record in changes:
            if visible(viewer, record) is None:
                raise _coded(Forbidden("Only the order's owner or an admin may follow it"))
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
    async with info.context.database.sessions() as session:
        return (await info.context.payments.by_orders(session, [order_id]))[0]


def _viewer(info: Info) -> Principal:
    try:
        return info.context.require_user()
    except AppError as exc:
        raise _coded(exc) from None


def _coded(error: AppError) -> GraphQLError:
    # The kit's ErrorCodes extension rewrites query and mutation results only; a subscription's
    # events never pass through it, so the code is attached here.
    return GraphQLError(error.message, extensions={**error.extensions, "code": error.code})
