"""Per-token subscribers share an upstream stream and its completions only within one principal.

The gateway verifies every client's own token; subscribers whose tokens describe the same user
with the same roles share one upstream subscription and one completion of each event (one
entity fetch per event), while different users, or one user with other roles, never share.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import pytest

from tests.gateway.subscriptions.harness import WsClient, serve_stack
from tests.gateway.subscriptions.subgraphs import SECRET
from tests.scrape import sample

pytestmark = pytest.mark.timeout(60)

AUTH = {"jwt_secret": SECRET, "algorithms": ["HS256"]}
PAID = {"id": "o1", "status": "PAID", "payment": {"status": "SUCCEEDED:o1"}}


def token(sub: str, roles: list[str], issued_ago: int = 0) -> dict[str, str]:
    """connection_init payload with a token of its own (tokens differ by ``iat``)."""
    now = int(time.time()) - issued_ago
    claims = {"sub": sub, "email": f"{sub}@example.com", "roles": roles, "iat": now,
              "exp": now + 3600}
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


async def _counted(url: str) -> tuple[float, float]:
    """(events in on upstream streams, events handed to WebSocket subscribers) so far."""
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(url.replace("/graphql", "/metrics"))).text
    return (sample(text, "gateway_subscription_upstream_events_total", subgraph="orders"),
            sample(text, "gateway_subscription_events_total", transport="ws"))


async def test_two_tokens_of_one_user_share_one_stream_and_one_entity_fetch_per_event():
    phone, laptop = token("alice", ["customer"]), token("alice", ["customer"], issued_ago=60)
    assert phone != laptop
    async with serve_stack(auth=AUTH) as stack, WsClient.connect(stack.ws_url, phone) as one, \
            WsClient.connect(stack.ws_url, laptop) as two:
        before = await _counted(stack.url)
        await one.subscribe("a", "o1")
        await two.subscribe("b", "o1")
        await stack.bus.wait_active(1)
        await stack.wait_listening(2)
        stack.bus.publish("o1", "PAID")
        got = [await one.receive(), await two.receive()]
        assert [m["payload"]["data"]["orderStatusChanged"] for m in got] == [PAID, PAID]
        assert stack.bus.subscribed == 1
        assert len(stack.bus.entity_auth) == 1
        # the metrics say so too: one event in, two handed out
        after = await _counted(stack.url)
        assert (after[0] - before[0], after[1] - before[1]) == (1, 2)


async def test_owner_and_admin_follow_one_order_apart_and_a_stranger_is_refused():
    alice, admin = token("alice", ["customer"]), token("bob", ["admin"])
    async with serve_stack(auth=AUTH) as stack, WsClient.connect(stack.ws_url, alice) as owner, \
            WsClient.connect(stack.ws_url, admin) as staff, \
            WsClient.connect(stack.ws_url, token("mallory", ["customer"])) as stranger:
        await owner.subscribe("a", "o1")
        await staff.subscribe("b", "o1")
        await stack.bus.wait_active(2)
        await stranger.subscribe("c", "o1")
        refused = await stranger.receive()
        stack.bus.publish("o1", "PAID")
        got = [await owner.receive(), await staff.receive()]
        assert [m["payload"]["data"]["orderStatusChanged"] for m in got] == [PAID, PAID]
        assert stack.bus.subscribed == 2
        assert sorted(stack.bus.entity_auth) == sorted([alice["Authorization"],
                                                        admin["Authorization"]])
    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_one_user_with_other_roles_does_not_share():
    plain, elevated = token("alice", ["customer"]), token("alice", ["customer", "admin"])
    async with serve_stack(auth=AUTH) as stack, WsClient.connect(stack.ws_url, plain) as one, \
            WsClient.connect(stack.ws_url, elevated) as two:
        await one.subscribe("a", "o1")
        await two.subscribe("b", "o1")
        await stack.bus.wait_active(2)
        stack.bus.publish("o1", "PAID")
        got = [await one.receive(), await two.receive()]
        assert [m["payload"]["data"]["orderStatusChanged"] for m in got] == [PAID, PAID]
        assert len(stack.bus.entity_auth) == 2


async def test_unverified_tokens_share_nothing_across_tokens():
    """Without verification at the gateway a token is only its bytes: no principal to share."""
    phone, laptop = token("alice", ["customer"]), token("alice", ["customer"], issued_ago=60)
    async with serve_stack() as stack, WsClient.connect(stack.ws_url, phone) as one, \
            WsClient.connect(stack.ws_url, laptop) as two:
        await one.subscribe("a", "o1")
        await two.subscribe("b", "o1")
        await stack.bus.wait_active(2)
        stack.bus.publish("o1", "PAID")
        await one.receive()
        await two.receive()
        assert len(stack.bus.entity_auth) == 2


async def test_a_shared_stream_is_subscribed_again_with_its_newest_token():
    """The first subscriber's token may have expired by the time a subgraph restarts."""
    old, new = token("alice", ["customer"], issued_ago=600), token("alice", ["customer"])
    async with serve_stack(auth=AUTH) as stack, WsClient.connect(stack.ws_url, old) as one, \
            WsClient.connect(stack.ws_url, new) as two:
        await one.subscribe("a", "o1")
        await stack.bus.wait_active(1)
        await two.subscribe("b", "o1")
        await stack.wait_listening(2)
        await stack.restart("orders")
        async with asyncio.timeout(10):  # the gateway subscribes again on a new socket
            while stack.hub.upstream_resumed < 1:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        await stack.bus.wait_active(1)
        stack.bus.publish("o1", "PAID")
        got = [await one.receive(), await two.receive()]
        assert [m["payload"]["data"]["orderStatusChanged"] for m in got] == [PAID, PAID]
        assert stack.bus.auth_seen == [old["Authorization"], new["Authorization"]]
