"""An idle socket to a subgraph lingers for the same identity's next subscription, and only for it.

A user follows one order, then the next: the second subscription reuses the first's socket
instead of a new handshake and ``connection_init``. The socket still closes when its lingering
time passes, when the token it was opened with expires or another token of the identity comes,
and when the gateway shuts down; one identity's socket never carries another's streams.
"""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest

from tests.gateway.subscriptions.harness import STATUS, Stack, WsClient, serve_stack
from tests.gateway.subscriptions.subgraphs import SECRET

pytestmark = pytest.mark.timeout(60)

AUTH = {"jwt_secret": SECRET, "algorithms": ["HS256"]}


def token(sub: str, roles: list[str], expires_in: float = 3600, issued_ago: int = 0
          ) -> dict[str, str]:
    """connection_init payload with a token of its own (tokens differ by ``iat``/``exp``)."""
    now = int(time.time())
    claims = {"sub": sub, "roles": roles, "iat": now - issued_ago, "exp": int(now + expires_in)}
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


async def follow_once(stack: Stack, client: WsClient, order_id: str) -> None:
    """Subscribe to ``order_id``, get PAID, unsubscribe: one checkout's subscription."""
    await client.subscribe(order_id, order_id)
    await stack.bus.wait_active(1)
    stack.bus.publish(order_id, "PAID")
    message = await client.receive()
    assert message["payload"]["data"]["orderStatusChanged"]["status"] == "PAID"
    await client.send({"id": order_id, "type": "complete"})
    await stack.bus.wait_active(0)


async def test_the_next_subscription_of_one_identity_reuses_the_idle_socket():
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack, \
            WsClient.connect(stack.ws_url, token("alice", ["customer"])) as client:
        for order_id in ("o1", "o2", "o3"):
            await follow_once(stack, client, order_id)
        assert stack.bus.subscribed == 3
        assert stack.bus.sockets_opened == 1
        assert stack.bus.sockets_open == 1  # lingering for the next


@pytest.mark.parametrize("linger", [0, 0.3])
async def test_an_idle_socket_closes_once_its_lingering_time_has_passed(linger: float):
    async with serve_stack(AUTH, upstream_linger_seconds=linger) as stack, \
            WsClient.connect(stack.ws_url, token("alice", ["customer"])) as client:
        await follow_once(stack, client, "o1")
        started = time.monotonic()
        await stack.bus.wait_sockets_open(0)
        assert time.monotonic() - started >= linger * 0.9
        assert stack.bus.close_codes == [1000]
        await follow_once(stack, client, "o2")  # on a new socket
        assert stack.bus.sockets_opened == 2


async def test_an_idle_socket_never_carries_another_identitys_subscription():
    alice, admin = token("alice", ["customer"]), token("bob", ["admin"])
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack, \
            WsClient.connect(stack.ws_url, alice) as owner, \
            WsClient.connect(stack.ws_url, admin) as staff:
        await follow_once(stack, owner, "o1")
        await follow_once(stack, staff, "o2")
        await follow_once(stack, owner, "o3")
        assert stack.bus.sockets_opened == 2  # alice's lingered for her, bob got his own
        assert stack.bus.auth_seen == [alice["Authorization"], admin["Authorization"],
                                       alice["Authorization"]]


async def test_an_idle_socket_closes_when_the_token_it_was_opened_with_expires():
    # given a socket opened with a token expiring in 3 s (1 s of margin) and 30 s of lingering
    soon = token("alice", ["customer"], expires_in=3)
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack, \
            WsClient.connect(stack.ws_url, soon) as client:
        await follow_once(stack, client, "o1")
        # then it closes with the token, not 30 s later
        await stack.bus.wait_sockets_open(0, within=4)
    assert stack.bus.close_codes == [1000]


async def test_a_socket_takes_no_new_subscription_past_its_tokens_expiry():
    # given a stream still running on a socket opened with a token expiring in 2 s
    soon, fresh = token("alice", ["customer"], expires_in=2), token("alice", ["customer"])
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack, \
            WsClient.connect(stack.ws_url, soon) as first, \
            WsClient.connect(stack.ws_url, fresh) as second:
        await first.subscribe("o1", "o1")
        await stack.bus.wait_active(1)
        await _sleep_until(int(time.time()) + 2)  # the token has expired
        # when the same user subscribes with a valid token
        await second.subscribe("o2", "o2")
        await stack.bus.wait_active(2)
        # then the subgraph judged that token on a socket of its own
        assert stack.bus.sockets_opened == 2
        assert stack.bus.auth_seen == [soon["Authorization"], fresh["Authorization"]]


async def test_another_token_of_the_identity_closes_the_idle_socket_and_opens_its_own():
    older = token("alice", ["customer"], issued_ago=60)
    newer = token("alice", ["customer"])
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack:
        async with WsClient.connect(stack.ws_url, older) as client:
            await follow_once(stack, client, "o1")
        async with WsClient.connect(stack.ws_url, newer) as client:
            await follow_once(stack, client, "o2")
        await stack.bus.wait_sockets_open(1)  # the older token's socket went
        assert stack.bus.sockets_opened == 2
        assert stack.bus.auth_seen == [older["Authorization"], newer["Authorization"]]


async def test_shutdown_closes_a_lingering_socket_cleanly():
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack:
        async with WsClient.connect(stack.ws_url, token("alice", ["customer"])) as client:
            await follow_once(stack, client, "o1")
        assert stack.bus.sockets_open == 1
        await stack.stop("gateway", graceful=True)  # what SIGTERM does
        await stack.bus.wait_sockets_open(0, within=2)
    assert stack.bus.close_codes == [1000]


async def test_a_reload_closes_the_retired_hubs_lingering_socket():
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack, \
            WsClient.connect(stack.ws_url, token("alice", ["customer"])) as client:
        await follow_once(stack, client, "o1")
        assert stack.gateway.reload(stack.supergraph("orders"))
        await stack.bus.wait_sockets_open(0, within=2)
        await client.subscribe("o2", "o2", STATUS.replace(" payment { status }", ""))
        await stack.bus.wait_active(1)  # the new supergraph's hub opened its own
        assert stack.bus.sockets_opened == 2


async def test_a_lingering_socket_that_the_subgraph_dropped_is_not_reused():
    async with serve_stack(AUTH, upstream_linger_seconds=30) as stack, \
            WsClient.connect(stack.ws_url, token("alice", ["customer"])) as client:
        await follow_once(stack, client, "o1")
        await stack.restart("orders")
        await follow_once(stack, client, "o2")
        assert stack.bus.sockets_opened == 2


async def _sleep_until(epoch: float) -> None:
    await asyncio.sleep(max(epoch - time.time(), 0) + 0.05)
