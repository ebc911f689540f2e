"""GraphQL value types of the cart (names fixed by DESIGN.md)."""

from __future__ import annotations

import strawberry

from subgraphs.cart.domain.records import PricedCart, PricedLine
from subgraphs.cart.graphql.product import Product
from subgraphs.kit.money import Money

__all__ = ["Cart", "CartItem", "Money"]


@strawberry.type(description="One product in a cart, priced at its current price.")
class CartItem:
    product: Product = strawberry.federation.field(
        provides=["name"], description="The product, with its current name."
    )
    quantity: int = strawberry.field(description="1..99, never more than the stock left.")
    unit_price: Money = strawberry.field(description="The product's current price.")
    line_total: Money = strawberry.field(description="unitPrice x quantity.")

    @classmethod
    def from_line(cls, line: PricedLine) -> CartItem:
        return cls(
            product=Product(id=strawberry.ID(line.product_id), name=line.name),
            quantity=line.quantity,
            unit_price=Money(amount=line.unit_amount, currency=line.currency),
            line_total=Money(amount=line.line_amount, currency=line.currency),
        )


@strawberry.type(
    description="A shopping cart, priced at the products' current prices on every read. "
    "Products that no longer exist are left out."
)
class Cart:
    id: strawberry.ID = strawberry.field(
        description="A guest sends this back as the X-Cart-Id header, and passes it to "
        "mergeGuestCart after signing in."
    )
    items: list[CartItem]
    total: Money
    version: int = strawberry.field(
        description="Incremented by every change; a checkout names the version it bought."
    )

    @classmethod
    def from_domain(cls, cart: PricedCart) -> Cart:
        return cls(
            id=strawberry.ID(cart.key.public_id),
            items=[CartItem.from_line(line) for line in cart.lines],
            total=Money(amount=cart.total_amount, currency=cart.currency),
            version=cart.version,
        )
