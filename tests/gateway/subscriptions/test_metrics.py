"""``gateway_active_subscriptions{transport}`` counts open client subscriptions per transport
(events in and out are counted in test_shared_identity, where one stream feeds two)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe
from tests.gateway.subscriptions.harness import STATUS, serve_stack
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

