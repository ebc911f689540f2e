"""Admin-only catalog writes: decode, check the role, run one service call, invalidate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from subgraphs.products.domain.errors import InvalidProduct
from subgraphs.products.domain.records import ProductDraft, ProductPatch, ProductRecord
from subgraphs.products.graphql.entities import Product
from subgraphs.products.graphql.types import ProductInput, ProductUpdateInput

__all__ = ["Mutation"]

Action = Callable[[AsyncSession], Awaitable[ProductRecord]]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a product. Role admin.")
    async def create_product(self, info: Info, input: ProductInput) -> Product:
        info.context.require_role("admin")
        draft = ProductDraft(
            input.sku, input.name, input.description, input.price.amount,
            input.price.currency, input.category, input.stock,
        )
        return await _write(info, lambda s: info.context.products.create(s, draft))

    @strawberry.mutation(description="Change a product's details. Role admin.")
    async def update_product(
        self, info: Info, id: strawberry.ID, input: ProductUpdateInput
    ) -> Product:
        info.context.require_role("admin")
        patch = ProductPatch(_changes(input))
        return await _write(info, lambda s: info.context.products.update(s, str(id), patch))

    @strawberry.mutation(description="Add (or, negative, remove) units; never below 0. Admin.")
    async def adjust_stock(self, info: Info, product_id: strawberry.ID, delta: int) -> Product:
        info.context.require_role("admin")
        service = info.context.products
        return await _write(info, lambda s: service.adjust_stock(s, str(product_id), delta))


async def _write(info: Info, action: Action) -> Product:
    # Only the request boundary commits; the cache is invalidated after the commit, never before.
    async with info.context.database.transaction() as session:
        record = await action(session)
    await info.context.catalog.invalidate(record.id)
    return Product.from_record(record)


def _changes(input: ProductUpdateInput) -> dict[str, object]:
    changes: dict[str, object] = {}
    for name in ("sku", "name", "description", "category"):
        value = getattr(input, name)
        if value is not strawberry.UNSET:
            changes[name] = value
    if input.price is None:
        raise InvalidProduct("price cannot be null", field="price")
    if input.price is not strawberry.UNSET:
        changes.update(price_amount=input.price.amount, price_currency=input.price.currency)
    return changes
