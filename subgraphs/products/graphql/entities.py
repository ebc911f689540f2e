"""The ``Product`` entity (Federation v2 ``@key(fields: "id")``) and its batched resolution."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.products.domain.records import ProductRecord
from subgraphs.products.graphql.types import Money

__all__ = ["Product", "load_product"]


@strawberry.federation.type(keys=["id"], description="A catalog item with its available stock.")
class Product:
    id: strawberry.ID
    sku: str
    # @shareable: cart's CartItem.product @provides(fields: "name") resolves it there too, and
    # Federation v2 needs every subgraph resolving a field to share it (INVALID_FIELD_SHARING).
    name: str = strawberry.federation.field(shareable=True)
    description: str
    price: Money
    category: str | None
    stock: int = strawberry.field(description="Units available to sell now.")

    @classmethod
    def from_record(cls, record: ProductRecord) -> Product:
        price = Money(amount=record.price_amount, currency=record.price_currency)
        return cls(
            id=strawberry.ID(record.id), sku=record.sku, name=record.name,
            description=record.description, price=price, category=record.category,
            stock=record.stock,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Product | None:
        # Federation spec, _entities: one result per representation, in order, null if unknown.
        return await load_product(info, str(id))


async def load_product(info: Info, product_id: str) -> Product | None:
    """Through the request's loader: every id asked for in one tick is one cached batch."""
    catalog = info.context.catalog
    record = await info.context.loader("products", catalog.get_many).load(product_id)
    return None if record is None else Product.from_record(record)
