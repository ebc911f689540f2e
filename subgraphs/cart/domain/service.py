"""The cart's use cases: read, change, merge and clear carts, priced at current prices.

A change is read -> look up products -> apply a rule -> compare-and-set, retried from the read
when another writer changed the cart meanwhile. The products lookup happens before anything is
written, so when products is down the request fails and the stored cart is untouched.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping

from subgraphs.cart.domain import rules
from subgraphs.cart.domain.errors import CartBusy
from subgraphs.cart.domain.pricing import Catalog, CatalogProduct, price
from subgraphs.cart.domain.records import CartKey, Line, PricedCart, StoredCart
from subgraphs.cart.domain.store import CartStore

__all__ = ["CartService"]

Edit = Callable[[StoredCart, Mapping[str, CatalogProduct]], tuple[Line, ...]]


class CartService:
    def __init__(self, store: CartStore, *, currency: str = "USD", attempts: int = 50) -> None:
        self.store = store
        self._currency = currency
        self._attempts = attempts

    async def view(self, key: CartKey, catalog: Catalog) -> PricedCart:
        """The cart at current prices (one products lookup)."""
        cart = await self.store.load(key)
        return price(cart, await catalog.lookup(cart.product_ids()), self._currency)

    async def add(
        self, key: CartKey, product_id: str, quantity: int, catalog: Catalog
    ) -> PricedCart:
        return await self._change(
            key, catalog, lambda cart, got: rules.added(cart, product_id, quantity, got),
            product_id,
        )

    async def set_quantity(
        self, key: CartKey, product_id: str, quantity: int, catalog: Catalog
    ) -> PricedCart:
        return await self._change(
            key, catalog, lambda cart, got: rules.with_quantity(cart, product_id, quantity, got),
            product_id,
        )

    async def remove(self, key: CartKey, product_id: str, catalog: Catalog) -> PricedCart:
        return await self._change(key, catalog, lambda cart, _: rules.removed(cart, product_id))

    async def clear(self, key: CartKey) -> PricedCart:
        """Empty the cart; an empty cart needs no prices, so products is not asked."""
        return await self._change(key, None, lambda _cart, _found: ())

    async def merge(self, target: CartKey, guest: CartKey, catalog: Catalog) -> PricedCart:
        """Move the guest cart into ``target`` (quantities added, capped by stock and 99) and
        delete it, in one atomic step; merging a cart that is gone changes nothing."""
        for _ in range(self._attempts):
            into, source = await self.store.load_two(target, guest)
            products = await catalog.lookup([*into.product_ids(), *source.product_ids()])
            if not source.lines:
                return price(into, products, self._currency)
            updated = into.with_lines(rules.merged(into, source, products))
            if await self.store.save(updated, absorbed=source):
                return price(updated, products, self._currency)
            await _backoff()
        raise CartBusy("The cart is being changed elsewhere; try again")

    async def clear_after_checkout(self, user_id: str, cart_version: int) -> bool:
        """Empty the user's cart if it is still the version that was checked out; a cart changed
        since (items added after checkout) is kept. True when this call emptied it. The store
        checks and writes in one atomic step, so there is no race to retry."""
        return await self.store.empty_at_version(CartKey("user", user_id), cart_version)

    async def _change(
        self, key: CartKey, catalog: Catalog | None, edit: Edit, *also: str
    ) -> PricedCart:
        for _ in range(self._attempts):
            cart = await self.store.load(key)
            wanted = [*cart.product_ids(), *also]
            products = await catalog.lookup(wanted) if catalog is not None and wanted else {}
            lines = edit(cart, products)
            if lines == cart.lines:
                return price(cart, products, self._currency)
            updated = cart.with_lines(lines)
            if await self.store.save(updated):
                return price(updated, products, self._currency)
            await _backoff()
        raise CartBusy("The cart is being changed elsewhere; try again")


async def _backoff() -> None:
    # Jitter keeps colliding writers from retrying in lock step.
    await asyncio.sleep(random.uniform(0, 0.005))
