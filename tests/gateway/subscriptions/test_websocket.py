"""The gateway's graphql-transport-ws endpoint over a real subgraph subscription."""

from __future__ import annotations

import asyncio

from tests.gateway.subscriptions.harness import STATUS, WsClient, serve_stack

ALICE = {"Authorization": "Bearer alice"}


async def test_events_arrive_with_fields_joined_from_the_entity_subgraph():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        stack.bus.publish("o1", "PAID")
        stack.bus.publish("o1", "SHIPPED")
        first, second = await client.receive(), await client.receive()
        stack.bus.publish("o1", None)
        assert first == {"id": "1", "type": "next", "payload": {"data": {"orderStatusChanged": {
            "id": "o1", "status": "PAID", "payment": {"status": "SUCCEEDED:o1"}}}}}
        assert second["payload"]["data"]["orderStatusChanged"]["status"] == "SHIPPED"
        assert await client.receive() == {"id": "1", "type": "complete"}


async def test_connection_init_authorization_reaches_stream_and_entity_fetches():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        stack.bus.publish("o1", "PAID")
        await client.receive()
        assert stack.bus.auth_seen == ["Bearer alice"]
        assert stack.bus.entity_auth == ["Bearer alice"]


async def test_a_refused_subscription_gets_the_subgraph_error_and_no_events():
    async with serve_stack() as stack, WsClient.connect(
        stack.ws_url, {"authorization": "Bearer mallory"}
    ) as client:
        await client.subscribe("1", "o1")
        message = await client.receive()
        assert message["type"] in ("next", "error")
        errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
        assert stack.bus.active == 0


async def test_client_complete_closes_the_upstream_stream():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        await client.send({"id": "1", "type": "complete"})
        await stack.bus.wait_active(0)


async def test_client_disconnect_closes_the_upstream_stream():
    async with serve_stack() as stack:
        async with WsClient.connect(stack.ws_url, ALICE) as client:
            await client.subscribe("1", "o1")
            await stack.bus.wait_active(1)
        await stack.bus.wait_active(0)


async def test_a_subgraph_that_dies_ends_the_client_stream_with_an_error():
    async with serve_stack(upstream_resume_seconds=0.3) as stack, \
            WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        await stack.stop("orders")
        message = await client.receive()
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "SUBGRAPH_STREAM_CLOSED"


async def test_a_restarted_subgraph_serves_new_subscriptions_on_a_new_connection():
    async with serve_stack(upstream_resume_seconds=0) as stack, \
            WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        await stack.restart("orders")
        assert (await client.receive())["type"] == "error"
        await client.subscribe("2", "o1")
        await stack.bus.wait_active(1)
        stack.bus.publish("o1", "PAID")
        message = await client.receive()
        assert message["id"] == "2"
        assert message["payload"]["data"]["orderStatusChanged"]["status"] == "PAID"


async def test_a_subgraph_restart_does_not_end_the_client_stream():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        await stack.restart("orders")
        async with asyncio.timeout(10):  # the gateway subscribes again on a new socket
            while stack.hub.upstream_resumed < 1 or stack.bus.subscribed < 2:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        await stack.bus.wait_active(1)
        stack.bus.publish("o1", "PAID")
        message = await client.receive()
    assert message == {"id": "1", "type": "next", "payload": {"data": {"orderStatusChanged": {
        "id": "o1", "status": "PAID", "payment": {"status": "SUCCEEDED:o1"}}}}}


async def test_closing_the_gateway_ends_client_streams_at_once_without_resubscribing():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("1", "o1")
        await stack.bus.wait_active(1)
        await stack.hub.aclose()  # what shutdown does; the resume window is 30 s
        message = await client.receive(within=5)
        await asyncio.sleep(0.2)
        assert stack.bus.subscribed == 1
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "SUBGRAPH_STREAM_CLOSED"


async def test_identical_subscriptions_share_one_upstream_stream_and_one_completion():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as one, \
            WsClient.connect(stack.ws_url, ALICE) as two:
        await one.subscribe("a", "o1")
        await two.subscribe("b", "o1")
        await stack.bus.wait_active(1)
        await asyncio.sleep(0.1)
        stack.bus.publish("o1", "PAID")
        got = [await one.receive(), await two.receive()]
        assert stack.bus.subscribed == 1
        assert [m["payload"]["data"]["orderStatusChanged"] for m in got] == [{
            "id": "o1", "status": "PAID", "payment": {"status": "SUCCEEDED:o1"}}] * 2
        assert stack.bus.entity_auth == ["Bearer alice"]  # one entity fetch for both
        await one.send({"id": "a", "type": "complete"})
        await asyncio.sleep(0.1)
        assert stack.bus.active == 1  # the other subscriber still needs it
        await two.send({"id": "b", "type": "complete"})
        await stack.bus.wait_active(0)


async def test_a_query_over_the_socket_is_one_next_then_complete():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        query = '{ order(id: "o9") { status payment { status } } }'
        await client.send({"id": "q", "type": "subscribe", "payload": {"query": query}})
        assert await client.receive() == {"id": "q", "type": "next", "payload": {"data": {
            "order": {"status": "PENDING", "payment": {"status": "SUCCEEDED:o9"}}}}}
        assert await client.receive() == {"id": "q", "type": "complete"}


async def test_subscribers_of_one_stream_with_different_selections_each_get_their_own():
    joined = STATUS
    plain = ("subscription S($id: ID!) "
             "{ orderStatusChanged(orderId: $id) { id status payment { __typename } } }")
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("joined", "o1", joined)
        await client.subscribe("plain", "o1", plain)
        await stack.bus.wait_active(1)  # one upstream stream: the root selection is the same
        await asyncio.sleep(0.1)
        stack.bus.publish("o1", "PAID")
        got = {m["id"]: m["payload"]["data"]["orderStatusChanged"]
               for m in [await client.receive(), await client.receive()]}
    assert got == {"joined": {"id": "o1", "status": "PAID", "payment": {"status": "SUCCEEDED:o1"}},
                   "plain": {"id": "o1", "status": "PAID", "payment": {"__typename": "Payment"}}}

