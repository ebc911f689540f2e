"""A supergraph reload keeps subscriptions that plan the same and ends the others clearly."""

from __future__ import annotations

from tests.gateway.subscriptions.harness import STATUS, WsClient, serve_stack

ALICE = {"Authorization": "Bearer alice"}
STATUS_ONLY = "subscription S($id: ID!) { orderStatusChanged(orderId: $id) { id status } }"


async def test_reload_keeps_same_plans_and_ends_the_rest_with_schema_reload():
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, ALICE) as client:
        await client.subscribe("joined", "o1", STATUS)
        await client.subscribe("plain", "o1", STATUS_ONLY)
        await stack.bus.wait_active(2)
        assert stack.gateway.reload(stack.supergraph("orders"))  # payments (and payment) gone
        ended = await client.receive(within=5)
        assert ended["id"] == "joined" and ended["type"] == "error"
        assert ended["payload"][0]["extensions"]["code"] == "SUBSCRIPTION_SCHEMA_RELOAD"
        stack.bus.publish("o1", "PAID")
        kept = await client.receive()
        assert kept == {"id": "plain", "type": "next", "payload": {
            "data": {"orderStatusChanged": {"id": "o1", "status": "PAID"}}}}
        await stack.bus.wait_active(1)
