"""The cart's rules as pure functions: each returns the new lines or raises a BAD_USER_INPUT."""

from __future__ import annotations

from collections.abc import Mapping

from subgraphs.cart.domain.errors import (
    CartFull,
    CurrencyMismatch,
    InvalidQuantity,
    UnknownProduct,
)
from subgraphs.cart.domain.pricing import CatalogProduct
from subgraphs.cart.domain.records import Line, StoredCart

__all__ = ["MAX_LINES", "MAX_QUANTITY", "added", "merged", "removed", "with_quantity"]

MAX_QUANTITY = 99
MAX_LINES = 100
Products = Mapping[str, CatalogProduct]


def added(cart: StoredCart, product_id: str, quantity: int, products: Products) -> tuple[Line, ...]:
    """Add ``quantity`` units (1..99) to the product's line, or start a line for it."""
    _check_range(quantity)
    product = _known(product_id, products)
    total = cart.quantity_of(product_id) + quantity
    if total > MAX_QUANTITY:
        raise InvalidQuantity(f"At most {MAX_QUANTITY} of one product per cart")
    _check_stock(product, total)
    _check_currency(cart, product, products)
    if product_id not in cart.product_ids() and len(cart.lines) >= MAX_LINES:
        raise CartFull(MAX_LINES)
    return _put(cart.lines, Line(product_id, total))


def with_quantity(
    cart: StoredCart, product_id: str, quantity: int, products: Products
) -> tuple[Line, ...]:
    """Set the quantity (1..99) of a product already in the cart."""
    _check_range(quantity)
    if product_id not in cart.product_ids():
        raise InvalidQuantity("This product is not in the cart; add it first")
    _check_stock(_known(product_id, products), quantity)
    return _put(cart.lines, Line(product_id, quantity))


def removed(cart: StoredCart, product_id: str) -> tuple[Line, ...]:
    """Drop the product's line; removing what is not there changes nothing."""
    return tuple(line for line in cart.lines if line.product_id != product_id)


def merged(target: StoredCart, guest: StoredCart, products: Products) -> tuple[Line, ...]:
    """Add the guest's lines to ``target``: quantities summed, capped by stock and 99; lines
    for unknown products, out-of-stock products or another currency are dropped."""
    lines = target.lines
    for line in guest.lines:
        product = products.get(line.product_id)
        if product is None or not _same_currency(lines, product, products):
            continue
        wanted = next((x.quantity for x in lines if x.product_id == line.product_id), 0)
        quantity = min(wanted + line.quantity, product.stock, MAX_QUANTITY)
        if quantity > 0 and (len(lines) < MAX_LINES or wanted):
            lines = _put(lines, Line(line.product_id, quantity))
    return lines


def _put(lines: tuple[Line, ...], new: Line) -> tuple[Line, ...]:
    if any(line.product_id == new.product_id for line in lines):
        return tuple(new if line.product_id == new.product_id else line for line in lines)
    return (*lines, new)


def _check_range(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity(f"Quantity must be between 1 and {MAX_QUANTITY}")


def _known(product_id: str, products: Products) -> CatalogProduct:
    product = products.get(product_id)
    if product is None:
        raise UnknownProduct(product_id)
    return product


def _check_stock(product: CatalogProduct, quantity: int) -> None:
    if quantity > product.stock:
        raise InvalidQuantity(f"Only {product.stock} left" if product.stock else "Out of stock")


def _check_currency(cart: StoredCart, product: CatalogProduct, products: Products) -> None:
    if not _same_currency(cart.lines, product, products):
        raise CurrencyMismatch(product.currency)


def _same_currency(lines: tuple[Line, ...], product: CatalogProduct, products: Products) -> bool:
    others = {products[x.product_id].currency for x in lines if x.product_id in products}
    return others <= {product.currency}
