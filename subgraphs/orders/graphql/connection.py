"""The Relay connection of a user's orders (Relay Cursor Connections Specification)."""

from __future__ import annotations

import strawberry

from subgraphs.orders.domain.records import OrderPage
from subgraphs.orders.graphql.order import Order

__all__ = ["OrderConnection", "OrderEdge", "PageInfo"]


# Every subgraph with a connection defines PageInfo; Federation v2 needs it @shareable.
@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="True when the page was asked for after a cursor (forward paging only)."
    )
    start_cursor: str | None
    end_cursor: str | None


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
        info = PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, page_info=info, total_count=page.total_count)
