"""Carts expire after a period without changes; every change restarts the clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.subgraphs.cart.harness import ADA, Harness, cart_settings, open_harness


@pytest.fixture
async def short_lived(
    store_kind: str, redis_url: str, unique_namespace: str
) -> AsyncIterator[Harness]:
    url = redis_url if store_kind == "redis" else ""
    settings = cart_settings(url, unique_namespace, cart_ttl_seconds=1)
    async with open_harness(settings) as harness:
        yield harness


async def test_a_cart_left_alone_expires(short_lived: Harness) -> None:
    short_lived.stock("p1", 100, stock=10)
    guest_id = (await short_lived.added("p1", 1))["id"]
    await short_lived.added("p1", 1, user=ADA)
    await asyncio.sleep(1.3)
    assert (await short_lived.my_cart(cart_id=guest_id))["items"] == []
    assert (await short_lived.my_cart(user=ADA))["items"] == []


async def test_a_change_restarts_the_expiry_clock(short_lived: Harness) -> None:
    short_lived.stock("p1", 100, stock=10)
    await short_lived.added("p1", 1, user=ADA)
    await asyncio.sleep(0.7)
    await short_lived.added("p1", 1, user=ADA)
    await asyncio.sleep(0.7)
    assert [i["quantity"] for i in (await short_lived.my_cart(user=ADA))["items"]] == [2]
