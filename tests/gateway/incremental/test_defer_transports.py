"""An order page with ``@defer`` over every streaming transport and through Apollo Client
(npm), payments held back: the order arrives first, the payment later; plain HTTP is told to
ask for an incremental response."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from strawberry.asgi import GraphQL

from gateway.app import create_app
from gateway.composition import SubgraphSource, compose
from tests.gateway.harness import ORACLE_DIR, require_oracle
from tests.gateway.subscriptions.harness import WsClient, _serve
from tests.gateway.subscriptions.subgraphs import Bus, orders_schema, payments_schema

pytestmark = pytest.mark.timeout(60)

ORDER_PAGE = ('query Page($id: ID!) { order(id: $id) { id status '
              '... @defer(label: "payment") { payment { status } } } }')
TRANSPORTS = ("multipart", "sse", "websocket")


class _Gate:
    """ASGI middleware: requests wait until the test opens the gate (a slow subgraph)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.open = asyncio.Event()
        self.waiting = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.waiting += 1
            await self.open.wait()
        await self.app(scope, receive, send)


@contextlib.asynccontextmanager
async def _stack() -> AsyncIterator[tuple[str, _Gate]]:
    bus = Bus()
    gate = _Gate(GraphQL(payments_schema(bus)))
    served = {"orders": await _serve(GraphQL(orders_schema(bus))), "payments": await _serve(gate)}
    schemas = {"orders": orders_schema(bus), "payments": payments_schema(bus)}
    sources = [SubgraphSource(name, f"http://127.0.0.1:{s.port}/graphql", schemas[name].as_str())
               for name, s in served.items()]
    result = compose(sources)
    assert result.supergraph is not None, result.errors
    served["gateway"] = await _serve(create_app(result.supergraph))
    try:
        yield f"http://127.0.0.1:{served['gateway'].port}/graphql", gate
    finally:
        gate.open.set()
        for s in reversed(served.values()):
            s.server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(s.task, 5)


@contextlib.asynccontextmanager
async def _payloads(transport: str, url: str,
                    body: dict[str, Any]) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
    if transport == "websocket":
        async with WsClient.connect(url.replace("http://", "ws://")) as ws:
            await ws.send({"id": "1", "type": "subscribe", "payload": body})
            yield _ws_payloads(ws)
        return
    accept = ("text/event-stream" if transport == "sse"
              else "multipart/mixed;deferSpec=20220824,application/json")
    async with httpx.AsyncClient(timeout=30) as client, client.stream(
            "POST", url, json=body, headers={"accept": accept}) as response:
        assert response.status_code == 200
        yield _sse(response) if transport == "sse" else _multipart(response)


async def _ws_payloads(ws: WsClient) -> AsyncIterator[dict[str, Any]]:
    while (message := await ws.receive())["type"] == "next":
        yield message["payload"]


async def _sse(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    async for line in response.aiter_lines():
        if line.startswith("data: {"):
            yield orjson.loads(line[6:])


async def _multipart(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """Each part as soon as the delimiter after it arrives."""
    buffer = b""
    async for chunk in response.aiter_bytes():
        buffer += chunk
        while (start := buffer.find(b"--graphql")) >= 0 and \
                (end := buffer.find(b"\r\n--graphql", start + 9)) >= 0:
            part, buffer = buffer[start + 9:end], buffer[end + 2:]
            _, headed, json_body = part.partition(b"\r\n\r\n")
            if headed and json_body.strip():
                yield orjson.loads(json_body)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_order_arrives_before_the_held_back_payment(transport: str) -> None:
    async with _stack() as (url, gate):
        body = {"query": ORDER_PAGE, "variables": {"id": "o1"}}
        async with _payloads(transport, url, body) as payloads:
            # when payments has not answered yet
            first = await anext(payloads)
            # then the order is already there, the payment announced for later
            assert first == {"data": {"order": {"id": "o1", "status": "PENDING"}},
                             "hasNext": True}
            assert not gate.open.is_set()
            # and once payments answers, the deferred part follows at the order's path
            gate.open.set()
            second = await anext(payloads)
            assert second == {"incremental": [{"data": {"payment": {"status": "SUCCEEDED:o1"}},
                                               "path": ["order"], "label": "payment"}],
                              "hasNext": False}


async def test_plain_http_gets_406_for_a_deferred_operation() -> None:
    async with _stack() as (url, gate), httpx.AsyncClient(timeout=30) as client:
        gate.open.set()
        response = await client.post(url, json={"query": ORDER_PAGE, "variables": {"id": "o1"}},
                                     headers={"accept": "application/json"})
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "DEFER_BAD_HEADER"


async def test_apollo_client_renders_the_order_before_the_payment() -> None:
    # given Apollo Client (npm) watching the order page, payments held back
    require_oracle()
    async with _stack() as (url, gate):
        client = await asyncio.create_subprocess_exec(
            "node", str(ORACLE_DIR / "apollo-client-defer.mjs"), url, ORDER_PAGE,
            '{"id": "o1"}', cwd=ORACLE_DIR, stdout=asyncio.subprocess.PIPE)
        try:
            assert client.stdout is not None
            # when the initial payload arrives, the client already has the order
            first = orjson.loads(await asyncio.wait_for(client.stdout.readline(), 30))
            assert first == {"data": {"order": {"id": "o1", "status": "PENDING",
                                                "__typename": "Order"}}}
            assert not gate.open.is_set()
            # and once payments answers, the client merges the deferred payment in
            gate.open.set()
            second = orjson.loads(await asyncio.wait_for(client.stdout.readline(), 30))
            assert second["data"]["order"]["payment"] == {"__typename": "Payment",
                                                          "status": "SUCCEEDED:o1"}
            assert second["data"]["order"]["status"] == "PENDING"
        finally:
            client.terminate()
            await client.wait()
