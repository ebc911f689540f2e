"""After checkout the buyer's cart is emptied, unless it changed since the checked-out version."""

from __future__ import annotations

from typing import Any

import pytest

from subgraphs.cart.domain.memory_store import MemoryCartStore
from subgraphs.cart.domain.records import CartKey, Line, StoredCart
from subgraphs.cart.domain.service import CartService
from subgraphs.cart.events.handlers import handle_order_created

ADA = CartKey("user", "ada")


async def carts_with(*versions_of_lines: tuple[Line, ...]) -> CartService:
    """A service whose store holds Ada's cart after writing each of the given line sets."""
    service = CartService(MemoryCartStore(ttl_seconds=60))
    cart = StoredCart(ADA)
    for lines in versions_of_lines:
        cart = cart.with_lines(lines)
        assert await service.store.save(cart)
    return service


async def test_the_checked_out_version_is_emptied_and_counts_as_a_change() -> None:
    service = await carts_with((Line("p1", 2),))
    assert await service.clear_after_checkout("ada", cart_version=1)
    assert await service.store.load(ADA) == StoredCart(ADA, (), 2)


async def test_items_added_after_checkout_are_kept() -> None:
    service = await carts_with((Line("p1", 2),), (Line("p1", 2), Line("p2", 1)))
    assert not await service.clear_after_checkout("ada", cart_version=1)
    assert (await service.store.load(ADA)).lines == (Line("p1", 2), Line("p2", 1))


async def test_a_redelivered_order_created_changes_nothing_the_second_time() -> None:
    service = await carts_with((Line("p1", 2),))
    payload = {"order_id": "o1", "user_id": "ada", "cart_version": 1}
    assert await handle_order_created(service, payload)
    assert await service.store.save((await service.store.load(ADA)).with_lines((Line("p3", 1),)))
    assert not await handle_order_created(service, payload)
    assert (await service.store.load(ADA)).lines == (Line("p3", 1),)


async def test_the_handler_reads_camel_case_payloads_as_on_the_wire() -> None:
    service = await carts_with((Line("p1", 2),))
    assert await handle_order_created(service, {"userId": "ada", "cartVersion": 1})


@pytest.mark.parametrize(
    "payload",
    [{"user_id": "ada"}, {"user_id": "ada", "cart_version": "1"},
     {"user_id": "ada", "cart_version": True}, {"cart_version": 1}],
    ids=["no-version", "string-version", "bool-version", "no-user"],
)
async def test_without_a_usable_user_and_version_the_cart_is_left_alone(
    payload: dict[str, Any],
) -> None:
    service = await carts_with((Line("p1", 2),))
    assert not await handle_order_created(service, payload)
    assert (await service.store.load(ADA)).version == 1
