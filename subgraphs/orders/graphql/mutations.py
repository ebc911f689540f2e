"""Order writes: check the caller, run one domain call in the request's transaction."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.orders.graphql.access import authorization
from subgraphs.orders.graphql.order import Order

__all__ = ["Mutation"]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Place an order for the caller's cart at current prices (PENDING). "
        "Idempotent per cart version: a repeated checkout returns the same order."
    )
    async def checkout(self, info: Info, payment_method: str = "pm_card_visa") -> Order:
        viewer = info.context.require_user()
        auth = authorization(info)
        cart, catalog = info.context.cart_of(viewer.id, auth), info.context.catalog_for(auth)
        async with info.context.database.transaction() as session:
            record = await info.context.checkout.place(
                session, viewer.id, payment_method, cart, catalog
            )
        return Order.from_record(record)

    @strawberry.mutation(
        description="Cancel a PENDING or PAID order (a paid one is refunded). The owner or an "
        "admin; CONFLICT from any other status."
    )
    async def cancel_order(self, info: Info, id: strawberry.ID) -> Order:
        viewer = info.context.require_user()
        async with info.context.database.transaction() as session:
            record = await info.context.orders.cancel(session, str(id), viewer)
        return Order.from_record(record)

    @strawberry.mutation(description="Ship a PAID order (role admin); CONFLICT otherwise.")
    async def ship_order(self, info: Info, id: strawberry.ID, tracking_number: str) -> Order:
        info.context.require_role("admin")
        async with info.context.database.transaction() as session:
            record = await info.context.orders.ship(session, str(id), tracking_number)
        return Order.from_record(record)

    @strawberry.mutation(description="Mark a SHIPPED order delivered (role admin).")
    async def deliver_order(self, info: Info, id: strawberry.ID) -> Order:
        info.context.require_role("admin")
        async with info.context.database.transaction() as session:
            record = await info.context.orders.deliver(session, str(id))
        return Order.from_record(record)
