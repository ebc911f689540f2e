"""``orderStatusChanged``: an order now and each time its status changes, from the ``orders``
topic. The first event is the current order, so a client subscribing just after checkout cannot
miss a change that raced its subscription.

Every replica reads the whole topic (``streaming.broadcast``), so whichever replica holds the
subscriber sees the order's events. Only the order's owner or an admin may subscribe: anyone
else, and an unknown order alike, gets FORBIDDEN and no events (existence is not disclosed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from streaming.events import Envelope, OrderStatusChanged
from subgraphs.kit.errors import Forbidden
from subgraphs.kit.graphql_errors import coded, subscriber
from subgraphs.orders.domain.records import OrderRecord
from subgraphs.orders.graphql.access import visible
from subgraphs.orders.graphql.order import Order

__all__ = ["Subscription"]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The order now, then after each status change (PAID, SHIPPED, ...) as it "
        "happens. "
        "UNAUTHENTICATED without a token; FORBIDDEN unless the order is yours (or you are an "
        "admin)."
    )
    async def order_status_changed(
        self, info: Info, order_id: strawberry.ID
    ) -> AsyncGenerator[Order, None]:
        viewer = subscriber(info)
        # Listen first, then read: a change committed in between is in the read or the stream.
        async with info.context.status_feed.listen(str(order_id)) as events:
            record = visible(viewer, await _read(info, str(order_id)))
            if record is None:
                raise coded(Forbidden("Only the order's owner or an admin may follow it"))
            seen = {change.status for change in record.history} | {record.status}
            yield Order.from_record(record)
            async for event in events:
                order = await _order_after(info, event, seen)
                if order is not None:
                    yield order


async def _order_after(info: Info, event: Envelope, seen: set[str]) -> Order | None:
    """The order as of ``event``: read now, with the event's status (a later change may have
    committed already; each event still shows its own status, in order). A status already
    shown is skipped: the state machine never returns to one, so it is a late duplicate."""
    payload = event.payload
    if not isinstance(payload, OrderStatusChanged) or payload.status in seen:
        return None
    seen.add(payload.status)
    record = await _read(info, payload.order_id)
    if record is None:
        return None
    return Order.from_record(dataclasses.replace(record, status=payload.status))


async def _read(info: Info, order_id: str) -> OrderRecord | None:
    # A fresh read per event: the request's DataLoader would keep the first answer forever.
    async with info.context.database.reads() as session:
        return (await info.context.reads.get_many(session, [order_id]))[0]
