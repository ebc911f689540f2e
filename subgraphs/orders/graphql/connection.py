"""The Relay connection of a user's orders (Relay Cursor Connections Specification)."""

from __future__ import annotations

import strawberry

from subgraphs.kit.relay import PageInfo, page_info
from subgraphs.orders.domain.records import OrderPage
from subgraphs.orders.graphql.order import Order

__all__ = ["OrderConnection", "OrderEdge", "PageInfo"]


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type(description="A user's orders, newest first.")
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All of the user's orders.")

    @classmethod
    def from_page(cls, page: OrderPage) -> OrderConnection:
        edges = [OrderEdge(cursor=c, node=Order.from_record(r)) for c, r in page.items]
        info = page_info([e.cursor for e in edges], has_next_page=page.has_next_page,
                         has_previous_page=page.has_previous_page)
        return cls(edges=edges, page_info=info, total_count=page.total_count)
