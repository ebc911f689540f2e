"""Price a cart snapshot at the catalog's authoritative prices: the lines an order keeps."""

from __future__ import annotations

from collections.abc import Mapping

from subgraphs.orders.domain.errors import EmptyCart, MixedCurrencies, ProductGone, TotalTooLarge
from subgraphs.orders.domain.records import CartSnapshot, CatalogProduct, OrderLine

__all__ = ["MAX_TOTAL", "price_lines", "same_lines", "total_of"]

MAX_TOTAL = 2**31 - 1  # GraphQL Int is 32-bit signed (GraphQL spec, 3.5.1)


def price_lines(
    cart: CartSnapshot, products: Mapping[str, CatalogProduct]
) -> tuple[OrderLine, ...]:
    """One line per cart line, named and priced by ``products``; a product that is gone or
    a second currency is BAD_USER_INPUT (one order has one total)."""
    if not cart.lines:
        raise EmptyCart()
    lines = []
    for line in cart.lines:
        product = products.get(line.product_id)
        if product is None:
            raise ProductGone(line.product_id)
        lines.append(OrderLine(product.id, product.name, line.quantity, product.price_amount,
                               product.currency))
    if len({line.currency for line in lines}) > 1:
        raise MixedCurrencies()
    if total_of(tuple(lines)) > MAX_TOTAL:
        raise TotalTooLarge()
    return tuple(lines)


def total_of(lines: tuple[OrderLine, ...]) -> int:
    return sum(line.line_amount for line in lines)


def same_lines(cart: CartSnapshot, lines: tuple[OrderLine, ...]) -> bool:
    """Whether an order holds exactly this cart's products and quantities (prices aside)."""
    ordered = sorted((line.product_id, line.quantity) for line in lines)
    return ordered == sorted((line.product_id, line.quantity) for line in cart.lines)
