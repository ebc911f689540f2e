"""``gateway_active_subscriptions{transport}`` counts open client subscriptions per transport;
``gateway_subscription_upstream_events_total`` and ``gateway_subscription_events_total`` count
events in (per upstream stream) and out (per subscriber)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe
from tests.gateway.subscriptions.harness import STATUS, WsClient, serve_stack
from tests.gateway.subscriptions.test_shared_identity import AUTH, token
from tests.scrape import sample

LABEL = {"websocket": "ws", "sse": "sse", "multipart": "multipart"}


async def _open(url: str, transport: str) -> float:
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(url.replace("/graphql", "/metrics"))).text
    return sample(text, "gateway_active_subscriptions", transport=LABEL[transport])


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_open_subscription_is_counted_until_it_ends(transport: str) -> None:
    async with serve_stack() as stack:
        before = await _open(stack.url, transport)
        async with subscribe(transport, stack.url, STATUS, {"id": "o1"}, "alice") as results:
            await stack.bus.wait_active(1)
            during = await _open(stack.url, transport)
            stack.bus.publish("o1", None)  # the subgraph completes the stream
            assert [result async for result in results] == []
        for _ in range(100):  # the gateway closes its side just after the client saw the end
            if await _open(stack.url, transport) == before:
                break
            await asyncio.sleep(0.02)
        after = await _open(stack.url, transport)
    assert (during - before, after - before) == (1, 0)


async def _counts(url: str) -> tuple[float, float]:
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(url.replace("/graphql", "/metrics"))).text
    return (sample(text, "gateway_subscription_upstream_events_total", subgraph="orders"),
            sample(text, "gateway_subscription_events_total", transport="ws"))


async def test_an_event_counts_once_upstream_and_once_per_subscriber_it_reaches() -> None:
    # two devices of one user share one upstream stream: one event in, two handed out
    phone, laptop = token("alice", ["customer"]), token("alice", ["customer"], issued_ago=60)
    async with serve_stack(auth=AUTH) as stack:
        before = await _counts(stack.url)
        async with WsClient.connect(stack.ws_url, phone) as one, \
                WsClient.connect(stack.ws_url, laptop) as two:
            await one.subscribe("a", "o1")
            await two.subscribe("b", "o1")
            await stack.bus.wait_active(1)
            await stack.wait_listening(2)
            stack.bus.publish("o1", "PAID")
            await one.receive(), await two.receive()
            after = await _counts(stack.url)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 2)
