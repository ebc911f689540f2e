"""Concurrent changes to one cart, on any replica, never lose each other's updates."""

from __future__ import annotations

import asyncio

import pytest

from tests.subgraphs.cart.harness import ADA, Harness, cart_settings, open_harness


async def test_concurrent_adds_to_one_cart_all_count(app: Harness) -> None:
    # given one product with plenty of stock
    app.stock("p1", 100, stock=1000)
    # when 25 adds of one unit race on the same cart
    results = await asyncio.gather(*(app.add("p1", 1, user=ADA) for _ in range(25)))
    # then every one succeeded and the cart holds all 25 units, one version per change
    assert all("errors" not in r for r in results)
    cart = await app.my_cart(user=ADA)
    assert ([i["quantity"] for i in cart["items"]], cart["version"]) == ([25], 25)


@pytest.mark.integration
async def test_two_replicas_sharing_redis_do_not_lose_updates(
    redis_url: str, unique_namespace: str
) -> None:
    # given two app instances on the same Redis namespace (two replicas)
    settings = cart_settings(redis_url, unique_namespace)
    async with open_harness(settings) as one, open_harness(settings) as two:
        for replica in (one, two):
            for n in range(4):
                replica.stock(f"p{n}", 100, stock=1000)
        # when both add different products to one cart at the same time
        adds = [r.add(f"p{n}", 1, user=ADA) for n in range(4) for r in (one, two)]
        results = await asyncio.gather(*adds)
        # then all eight adds are in the cart
        assert all("errors" not in r for r in results)
        cart = await one.my_cart(user=ADA)
        assert sorted((i["product"]["id"], i["quantity"]) for i in cart["items"]) == [
            (f"p{n}", 2) for n in range(4)
        ]
        assert cart["version"] == 8


async def test_concurrent_adds_never_exceed_the_stock(app: Harness) -> None:
    app.stock("p1", 100, stock=5)
    results = await asyncio.gather(*(app.add("p1", 1, user=ADA) for _ in range(12)))
    assert sum("errors" not in r for r in results) == 5
    assert [i["quantity"] for i in (await app.my_cart(user=ADA))["items"]] == [5]
