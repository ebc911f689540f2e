"""Reading one order: its owner or an admin; anyone else gets NOT_FOUND, as for no order."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.orders.domain.errors import OrderNotFound
from subgraphs.orders.graphql.access import load_order, visible
from subgraphs.orders.graphql.order import Order

__all__ = ["Query"]


@strawberry.type
class Query:
    @strawberry.field(
        description="One order. NOT_FOUND when it does not exist or is not yours (existence "
        "is never disclosed to other users)."
    )
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        viewer = info.context.require_user()
        record = visible(viewer, await load_order(info, str(id)))
        if record is None:
            raise OrderNotFound()
        return Order.from_record(record)
