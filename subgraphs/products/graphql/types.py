"""GraphQL value types and inputs of the catalog (names fixed by DESIGN.md)."""

from __future__ import annotations

import strawberry

from subgraphs.kit.money import Money
from subgraphs.products.domain.records import ProductSort as DomainSort

__all__ = ["Money", "MoneyInput", "ProductInput", "ProductSort", "ProductUpdateInput"]

ProductSort = strawberry.enum(DomainSort, name="ProductSort", description="Listing order.")


@strawberry.input(description="A price in minor units (cents) and an ISO 4217 currency code.")
class MoneyInput:
    amount: int
    currency: str


@strawberry.input(description="A new product. SKU unique; price and stock >= 0.")
class ProductInput:
    sku: str
    name: str
    description: str
    price: MoneyInput
    category: str | None = None
    stock: int


@strawberry.input(
    description="Fields to change; omitted fields stay. Stock changes go through adjustStock."
)
class ProductUpdateInput:
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: MoneyInput | None = strawberry.UNSET
    category: str | None = strawberry.field(
        default=strawberry.UNSET, description="null removes the category."
    )
