"""``orderStatusChanged``: an order now and each time its status changes, from the ``orders``
topic. The first event is the current order, so a client subscribing just after checkout cannot
miss a change that raced its subscription.

Every replica reads the whole topic (``streaming.broadcast``), so whichever replica holds the
subscriber sees the order's events. Each change is read afresh, unless the subscription selects
only what the event itself says (``id``, ``status``: what the gateway asks when a client follows
the status and the payment): then the first read is of the order's row alone (one SELECT, no
lines or history) and answers every later event, with its status.

Only the order's owner or an admin may subscribe: anyone else, and an unknown order alike, gets
FORBIDDEN and no events (existence is not disclosed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Iterable

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from streaming.events import Envelope, OrderStatusChanged
from subgraphs.kit.errors import Forbidden
from subgraphs.kit.graphql_errors import coded, subscriber
from subgraphs.orders.domain.records import OrderRecord
from subgraphs.orders.domain.state_machine import earlier
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
        reread = not _only(info.selected_fields[0].selections, _IN_THE_EVENT)
        # Listen first, then read: a change committed in between is in the read or the stream.
        async with info.context.status_feed.listen(str(order_id)) as events:
            read = _read if reread else _read_row
            record = visible(viewer, await read(info, str(order_id)))
            if record is None:
                raise coded(Forbidden("Only the order's owner or an admin may follow it"))
            # Every status before this one is behind the order: an event into one is late.
            seen = set(earlier(record.status)) | {record.status}
            yield Order.from_record(record)
            async for event in events:
                order = await _order_after(info, event, seen, None if reread else record)
                if order is not None:
                    yield order


# What an OrderStatusChanged event answers by itself.
_IN_THE_EVENT = frozenset({"id", "status", "__typename"})


def _only(selections: Iterable[Selection], fields: frozenset[str]) -> bool:
    """True when ``selections`` ask for nothing but ``fields``, through fragments too."""
    for node in selections:
        if isinstance(node, SelectedField):
            if node.name not in fields:
                return False
        elif isinstance(node, FragmentSpread | InlineFragment):
            if not _only(node.selections, fields):
                return False
        else:
            return False
    return True


async def _order_after(info: Info, event: Envelope, seen: set[str],
                       known: OrderRecord | None) -> Order | None:
    """The order as of ``event``, with the event's status (a later change may have committed
    already; each event still shows its own status, in order): read now, or ``known`` when
    the selection needs nothing the event lacks. A status already shown, or one the order had
    passed through when first read, is skipped: the state machine never returns to one, so it
    is a late duplicate."""
    payload = event.payload
    if not isinstance(payload, OrderStatusChanged) or payload.status in seen:
        return None
    seen.add(payload.status)
    record = known if known is not None else await _read(info, payload.order_id)
    if record is None:
        return None
    return Order.from_record(dataclasses.replace(record, status=payload.status))


async def _read(info: Info, order_id: str) -> OrderRecord | None:
    # A fresh read per event: the request's DataLoader would keep the first answer forever.
    async with info.context.database.reads() as session:
        return (await info.context.reads.get_many(session, [order_id]))[0]


async def _read_row(info: Info, order_id: str) -> OrderRecord | None:
    """The order's row only: enough for a selection the events answer (id, status)."""
    async with info.context.database.reads() as session:
        return await info.context.reads.row(session, order_id)
