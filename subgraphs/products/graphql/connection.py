"""The Relay connection of products (Relay Cursor Connections Specification)."""

from __future__ import annotations

import strawberry

from subgraphs.kit.relay import PageInfo, page_info
from subgraphs.products.domain.records import Page
from subgraphs.products.graphql.entities import Product

__all__ = ["PageInfo", "ProductConnection", "ProductEdge"]


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
        info = page_info([e.cursor for e in edges], has_next_page=page.has_next_page,
                         has_previous_page=page.has_previous_page)
        return cls(edges=edges, page_info=info, total_count=page.total_count)
