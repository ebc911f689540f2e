"""Order status in real time through the gateway: Kafka -> orders (every replica) -> gateway
(entity join with payments) -> the client, over each transport."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.dev.services import ROOT
from streaming.broker import free_port
from tests.e2e.conftest import Client
from tests.e2e.node_clients import NODE_CLIENTS, node_clients_missing, node_subscribe
from tests.e2e.platform import Platform
from tests.e2e.saga import checkout, new_customer, new_product
from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe
from tests.strict import skip_or_fail

# Processes driven: a hung one fails with a stack trace; the first test also starts the platform.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(420)]

FOLLOW = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
    id status trackingNumber payment { status } user { email } } }"""
SHIP = "mutation($id: ID!) { shipOrder(id: $id, trackingNumber: \"TRACK-1\") { status } }"
# Python clients of each transport, and the real npm graphql-ws and graphql-sse clients.
CLIENTS = (*TRANSPORTS, *NODE_CLIENTS)


def follow(client: str, url: str, order_id: str, token: str | None) -> Any:
    """The subscription to ``order_id`` through ``client`` (see CLIENTS)."""
    if client not in NODE_CLIENTS:
        return subscribe(client, url, FOLLOW, {"id": order_id}, token)
    if (missing := node_clients_missing()) is not None:
        skip_or_fail(missing)
    return node_subscribe(client, url, FOLLOW, {"id": order_id}, token)


async def _until(results: Any, status: str, seen: list[dict[str, Any]]) -> None:
    async with asyncio.timeout(45):
        async for result in results:
            seen.append(result)
            order = (result.get("data") or {}).get("orderStatusChanged") or {}
            if "errors" in result or order.get("status") == status:
                return


@pytest.mark.parametrize("client", CLIENTS)
async def test_checkout_paid_then_shipped_arrive_in_order_with_the_payment_joined(
    client: str, anonymous: Client, admin: Client
) -> None:
    customer = new_customer(anonymous)
    order = checkout(customer, new_product(admin, stock=5), 1, "pm_card_visa")
    seen: list[dict[str, Any]] = []
    async with follow(client, anonymous.url, order["id"], customer.token) as results:
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


@pytest.mark.parametrize("client", CLIENTS)
async def test_another_user_gets_an_error_and_no_events(
    client: str, anonymous: Client, admin: Client
) -> None:
    owner, other = new_customer(anonymous), new_customer(anonymous)
    order = checkout(owner, new_product(admin, stock=5), 1, "pm_card_visa")
    async with follow(client, anonymous.url, order["id"], other.token) as results:
        async with asyncio.timeout(30):
            got = [result async for result in results]
    assert len(got) == 1 and got[0].get("data") is None
    assert got[0]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@contextlib.contextmanager
def replicas(platform: Platform) -> Iterator[str]:
    """A second orders replica and a second gateway routed to it; yields that gateway's URL."""
    platform.ports["orders-2"], platform.ports["gateway-2"] = free_port(), free_port()
    urls = {**json.loads(platform.env["GATEWAY_SUBGRAPH_URLS"]), "orders": platform.url("orders-2")}
    env = {**platform.env, "GATEWAY_SUBGRAPH_URLS": json.dumps(urls)}
    platform._spawn("orders-2", ["subgraphs.orders", "serve", "--port",
                                 str(platform.ports["orders-2"])], platform.env)
    platform._spawn("gateway-2", ["gateway", "serve", "--supergraph",
                                  str(ROOT / "schema" / "supergraph.graphql"),
                                  "--port", str(platform.ports["gateway-2"])], env)
    try:
        for name in ("orders-2", "gateway-2"):
            platform._wait_healthy(name)
        yield f"http://127.0.0.1:{platform.ports['gateway-2']}/graphql"
    finally:
        for name in ("gateway-2", "orders-2"):
            child = platform.children.pop(name)
            child.terminate()
            child.wait(10)


async def test_two_gateways_on_two_orders_replicas_deliver_each_event_exactly_once(
    platform: Platform, anonymous: Client, admin: Client
) -> None:
    with replicas(platform) as second_gateway:
        customer = new_customer(anonymous)
        order = checkout(customer, new_product(admin, stock=5), 1, "pm_card_visa")
        seen: dict[str, list[dict[str, Any]]] = {"first": [], "second": []}
        urls = {"first": anonymous.url, "second": second_gateway}
        async with contextlib.AsyncExitStack() as stack:
            streams = {name: await stack.enter_async_context(
                subscribe("websocket", url, FOLLOW, {"id": order["id"]}, customer.token))
                for name, url in urls.items()}
            for name, results in streams.items():
                await _until(results, "PAID", seen[name])
            await asyncio.to_thread(admin.data, SHIP, id=order["id"])
            for name, results in streams.items():
                await _until(results, "SHIPPED", seen[name])
            await asyncio.sleep(1)  # time for a duplicate to show up, if there were one
            for results in streams.values():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.5):
                        seen["extra"] = [await anext(results)]
    assert "extra" not in seen, seen["extra"]
    for results in (seen["first"], seen["second"]):
        statuses = [r["data"]["orderStatusChanged"]["status"] for r in results]
        assert statuses[-2:] == ["PAID", "SHIPPED"] and set(statuses[:-2]) <= {"PENDING"}
