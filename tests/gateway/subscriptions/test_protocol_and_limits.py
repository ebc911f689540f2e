"""graphql-transport-ws close codes, ping/pong, subscription limits and bounded queues."""

from __future__ import annotations

import pytest
from websockets.asyncio.client import connect

from gateway.fetch import Listener, SubgraphFetchError
from tests.gateway.subscriptions.clients import subscribe
from tests.gateway.subscriptions.harness import STATUS, WsClient, serve_stack

ALICE = {"Authorization": "Bearer alice"}


@pytest.mark.parametrize(("messages", "code"), [
    (["not json"], 4400),
    ([b'{"type": "connection_init"}'], 4400),  # a binary frame
    ([{"type": "nonsense"}], 4400),
    ([{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}}], 4401),
    ([{"type": "connection_init"}, {"type": "connection_init"}], 4429),
    ([{"type": "connection_init"},
      {"id": "1", "type": "subscribe", "payload": {"query": STATUS, "variables": {"id": "a"}}},
      {"id": "1", "type": "subscribe", "payload": {"query": STATUS, "variables": {"id": "b"}}}],
     4409),
])
async def test_protocol_violations_close_the_socket_with_their_code(messages, code):
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, init=False) as client:
        for message in messages:
            if isinstance(message, str | bytes):
                await client.socket.send(message)
            else:
                await client.send(message)
        closed, _ = await client.closed()
    assert closed == code


async def test_a_socket_that_never_initialises_is_closed_4408():
    async with serve_stack(connection_init_timeout_seconds=0.2) as stack, WsClient.connect(
        stack.ws_url, init=False
    ) as client:
        assert await client.closed() == (4408, "Connection initialisation timeout")


async def test_a_client_without_the_subprotocol_is_closed_4406():
    async with serve_stack() as stack, connect(stack.ws_url) as socket:
        with pytest.raises(Exception):  # noqa: B017 (any close ends the read)
            await socket.recv()
        assert socket.close_code == 4406


async def test_ping_is_answered_with_pong():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.send({"type": "ping"})
        assert await client.receive() == {"type": "pong"}


async def test_subscriptions_per_connection_are_limited():
    async with serve_stack(max_per_connection=1) as stack, WsClient.connect(
        stack.ws_url, ALICE
    ) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        await client.subscribe("2", "o2")
        refused = await client.receive()
        assert refused["id"] == "2" and refused["type"] == "error"
        assert refused["payload"][0]["extensions"]["code"] == "SUBSCRIPTION_LIMIT"


@pytest.mark.parametrize("transport", ["websocket", "sse", "multipart"])
async def test_subscriptions_in_the_whole_gateway_are_limited(transport: str):
    async with serve_stack(max_total=1) as stack, WsClient.connect(stack.ws_url, ALICE) as first:
        await first.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        async with subscribe(transport, stack.url, STATUS, {"id": "o2"}, "alice") as results:
            got = [result async for result in results]
    assert got[0]["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_LIMIT"
    assert stack.bus.subscribed == 1


async def test_a_subscriber_that_falls_behind_is_ended_not_buffered_without_bound():
    listener = Listener("orders", capacity=2)
    for n in range(5):
        listener.push("next", {"data": {"n": n}})
    events = listener.__aiter__()
    assert [await anext(events), await anext(events)] == [{"data": {"n": 0}}, {"data": {"n": 1}}]
    with pytest.raises(SubgraphFetchError) as ended:
        await anext(events)
    assert ended.value.code == "SUBSCRIPTION_QUEUE_OVERFLOW"
