"""The Relay connection of products (Relay Cursor Connections Specification)."""

from __future__ import annotations

import strawberry

from subgraphs.products.domain.records import Page
from subgraphs.products.graphql.entities import Product

__all__ = ["PageInfo", "ProductConnection", "ProductEdge"]


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
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Products matching the filters.")

    @classmethod
    def from_page(cls, page: Page) -> ProductConnection:
        edges = [ProductEdge(cursor=c, node=Product.from_record(r)) for c, r in page.items]
        info = PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, page_info=info, total_count=page.total_count)
