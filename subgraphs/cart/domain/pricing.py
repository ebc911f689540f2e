"""Current product facts (the ``Catalog`` the app wires to products) and pricing a cart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from subgraphs.cart.domain.errors import MixedCurrencies
from subgraphs.cart.domain.records import PricedCart, PricedLine, StoredCart

__all__ = ["Catalog", "CatalogProduct", "price"]


@dataclass(frozen=True, slots=True)
class CatalogProduct:
    """What the cart needs to know about a product right now."""

    id: str
    name: str
    amount: int
    currency: str
    stock: int


class Catalog(Protocol):
    """Authoritative current product data; unknown ids are absent from the answer."""

    async def lookup(self, product_ids: Sequence[str]) -> Mapping[str, CatalogProduct]: ...


def price(
    cart: StoredCart, products: Mapping[str, CatalogProduct], default_currency: str
) -> PricedCart:
    """Price every line at the current price; products that no longer exist are left out."""
    lines = tuple(
        PricedLine(line.product_id, line.quantity, p.amount, p.currency, p.name)
        for line in cart.lines
        if (p := products.get(line.product_id)) is not None
    )
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise MixedCurrencies(f"The cart mixes currencies ({', '.join(sorted(currencies))})")
    currency = currencies.pop() if currencies else default_currency
    total = sum(line.line_amount for line in lines)
    return PricedCart(cart.key, lines, total, currency, cart.version)
