"""Catalog reads: one product through the cache, listings straight from the database."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.products.domain.records import ProductQuery
from subgraphs.products.domain.records import ProductSort as DomainSort
from subgraphs.products.graphql.connection import ProductConnection
from subgraphs.products.graphql.entities import Product, load_product
from subgraphs.products.graphql.types import ProductSort

__all__ = ["Query"]


@strawberry.type
class Query:
    @strawberry.field(description="One product by id; null when it does not exist.")
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        return await load_product(info, str(id))

    @strawberry.field(
        description="Products, filtered and sorted; `first` is 1..100 (default 20). `search` "
        "matches every word in the name or description, case-insensitively."
    )
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
        category: str | None = None,
        sort: ProductSort | None = None,
    ) -> ProductConnection:
        query = ProductQuery(first, after, search, category, sort or DomainSort.NEWEST)
        async with info.context.database.reads() as session:
            page = await info.context.products.listing(session, query)
        return ProductConnection.from_page(page)

    @strawberry.field(
        description="Every category a product has, alphabetically and once each whatever its "
        "case: the values `products(category:)` filters by."
    )
    async def categories(self, info: Info) -> list[str]:
        async with info.context.database.reads() as session:
            return await info.context.products.categories(session)
