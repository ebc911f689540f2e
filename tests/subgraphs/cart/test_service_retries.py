"""A change that keeps losing the compare-and-set gives up with CONFLICT, writing nothing."""

from __future__ import annotations

import pytest

from subgraphs.cart.domain.errors import CartBusy
from subgraphs.cart.domain.memory_store import MemoryCartStore
from subgraphs.cart.domain.pricing import CatalogProduct
from subgraphs.cart.domain.records import CartKey, StoredCart
from subgraphs.cart.domain.service import CartService


class AlwaysRaced(MemoryCartStore):
    """Every save finds that another writer got there first."""

    saves = 0

    async def save(self, cart: StoredCart, *, absorbed: StoredCart | None = None) -> bool:
        self.saves += 1
        return False


class OneProduct:
    async def lookup(self, product_ids: list[str]) -> dict[str, CatalogProduct]:
        return {"p1": CatalogProduct("p1", "Lamp", 100, "USD", 10)}


async def test_a_change_that_always_loses_the_race_gives_up_with_conflict() -> None:
    store = AlwaysRaced(ttl_seconds=60)
    service = CartService(store, attempts=5)
    with pytest.raises(CartBusy) as raised:
        await service.add(CartKey("user", "ada"), "p1", 1, OneProduct())
    assert (raised.value.code, store.saves) == ("CONFLICT", 5)
    assert await store.load(CartKey("user", "ada")) == StoredCart(CartKey("user", "ada"))
