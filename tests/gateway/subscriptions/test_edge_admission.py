"""The streaming transports admit operations as plain HTTP does: tokens verified, claims used."""

from __future__ import annotations

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.gateway.edge.conftest import Served, secure_app, token
from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe

QUERY = '{ product(id: "p1") { name cost } }'


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_verified_token_sees_guarded_fields(transport: str):
    async with Served(secure_app()) as served, subscribe(
        transport, f"{served.url}/graphql", QUERY, {}, token()
    ) as results:
        first = await anext(results)
    assert "errors" not in first, first
    assert first["data"]["product"]["cost"] is not None


@pytest.mark.parametrize("transport", ["sse", "multipart"])
async def test_a_forged_token_is_unauthenticated_and_runs_nothing(transport: str):
    forged = token(secret="not-the-gateway-secret-but-long-enough")
    async with Served(secure_app()) as served, subscribe(
        transport, f"{served.url}/graphql", QUERY, {}, forged
    ) as results:
        got = [result async for result in results]
    assert got == [{"errors": [{"message": got[0]["errors"][0]["message"],
                                "extensions": {"code": "UNAUTHENTICATED"}}]}]


async def _init(url: str, auth: dict[str, str]) -> tuple[str | None, int | None]:
    """The server's answer to connection_init: the message type, or the close code."""
    async with connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(orjson.dumps({"type": "connection_init", "payload": auth}).decode())
        try:
            return orjson.loads(await socket.recv())["type"], None
        except ConnectionClosed as closed:
            return None, closed.rcvd.code if closed.rcvd else None


@pytest.mark.timeout(30)
async def test_a_forged_token_closes_the_websocket_4403_at_connection_init():
    forged = token(secret="not-the-gateway-secret-but-long-enough")
    async with Served(secure_app()) as served:
        url = f"{served.url.replace('http://', 'ws://')}/graphql"
        refused = await _init(url, {"Authorization": f"Bearer {forged}"})
        accepted = await _init(url, {"Authorization": f"Bearer {token()}"})
        anonymous = await _init(url, {})
    assert refused == (None, 4403)
    assert accepted == ("connection_ack", None)
    assert anonymous == ("connection_ack", None)  # no token: operations decide what it may see
