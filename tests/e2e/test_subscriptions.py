"""Order status in real time through the gateway: Kafka -> orders (every replica) -> gateway
(entity join with payments) -> the client, over each transport."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.e2e.conftest import Client
from tests.e2e.saga import checkout, new_customer, new_product
from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FOLLOW = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
    id status trackingNumber payment { status } user { email } } }"""
SHIP = "mutation($id: ID!) { shipOrder(id: $id, trackingNumber: \"TRACK-1\") { status } }"


async def _until(results: Any, status: str, seen: list[dict[str, Any]]) -> None:
    async with asyncio.timeout(45):
        async for result in results:
            seen.append(result)
            order = (result.get("data") or {}).get("orderStatusChanged") or {}
            if "errors" in result or order.get("status") == status:
                return


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_checkout_paid_then_shipped_arrive_in_order_with_the_payment_joined(
    transport: str, anonymous: Client, admin: Client
) -> None:
    customer = new_customer(anonymous)
    order = checkout(customer, new_product(admin, stock=5), 1, "pm_card_visa")
    seen: list[dict[str, Any]] = []
    async with subscribe(transport, anonymous.url, FOLLOW, {"id": order["id"]},
                         customer.token) as results:
        await _until(results, "PAID", seen)
        await asyncio.to_thread(admin.data, SHIP, id=order["id"])
        await _until(results, "SHIPPED", seen)
    assert all("errors" not in result for result in seen), seen
    orders = [result["data"]["orderStatusChanged"] for result in seen]
    statuses = [o["status"] for o in orders]
    assert statuses[-2:] == ["PAID", "SHIPPED"] and set(statuses[:-2]) <= {"PENDING"}
    assert orders[-2]["payment"] == {"status": "SUCCEEDED"}
    assert orders[-1]["trackingNumber"] == "TRACK-1"
    assert orders[-1]["user"]["email"].startswith("buyer-")


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_another_user_gets_an_error_and_no_events(
    transport: str, anonymous: Client, admin: Client
) -> None:
    owner, other = new_customer(anonymous), new_customer(anonymous)
    order = checkout(owner, new_product(admin, stock=5), 1, "pm_card_visa")
    async with subscribe(transport, anonymous.url, FOLLOW, {"id": order["id"]},
                         other.token) as results:
        async with asyncio.timeout(30):
            got = [result async for result in results]
    assert len(got) == 1 and got[0].get("data") is None
    assert got[0]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
