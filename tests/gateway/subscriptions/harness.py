"""A gateway and two subgraphs served by uvicorn in the test's own event loop, plus clients.

Everything runs in one loop, so tests publish events with ``stack.bus.publish`` directly and can
stop a subgraph mid-stream (``stack.stop("orders")``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import uvicorn
from strawberry.asgi import GraphQL
from websockets.asyncio.client import ClientConnection, connect

from gateway.app import create_app
from gateway.composition import SubgraphSource, compose
from gateway.config import GatewayConfig
from tests.gateway.subscriptions.subgraphs import (
    Bus,
    CountingSockets,
    orders_schema,
    payments_schema,
)

__all__ = ["Stack", "WsClient", "serve_stack"]

STATUS = ("subscription S($id: ID!) "
          "{ orderStatusChanged(orderId: $id) { id status payment { status } } }")


def _free_socket(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


@dataclass
class _Served:
    server: uvicorn.Server
    task: asyncio.Task[None]
    port: int
    app: Any


async def _serve(app: Any, port: int = 0) -> _Served:
    sock = _free_socket(port)
    config = uvicorn.Config(app, log_level="warning", lifespan="auto", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return _Served(server, task, sock.getsockname()[1], app)


@dataclass
class Stack:
    bus: Bus
    servers: dict[str, _Served] = field(default_factory=dict)
    sources: dict[str, SubgraphSource] = field(default_factory=dict)

    def supergraph(self, *names: str) -> str:
        """The supergraph composed from the named subgraphs (default: all)."""
        result = compose([self.sources[n] for n in names or self.sources])
        assert result.supergraph is not None, result.errors
        return result.supergraph

    @property
    def gateway(self) -> Any:
        return self.servers["gateway"].app.state.gateway

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.servers['gateway'].port}/graphql"

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    @property
    def hub(self) -> Any:
        return self.gateway.pipeline.streams

    async def wait_listening(self, count: int, within: float = 5.0) -> None:
        """Until ``count`` client subscriptions read upstream streams (joined, not just sent)."""
        async with asyncio.timeout(within):
            while self.hub.listening != count:  # noqa: ASYNC110 (a count, polled: tests only)
                await asyncio.sleep(0.01)

    async def restart(self, name: str) -> None:
        """Stop ``name`` and serve it again on the same port (a crash and a redeploy)."""
        served = self.servers[name]
        await self.stop(name)
        self.servers[name] = await _serve(served.app, served.port)

    async def stop(self, name: str, graceful: bool = False) -> None:
        """Stop ``name``: at once, or ``graceful``ly as on SIGTERM (its shutdown hooks run)."""
        served = self.servers.pop(name)
        served.server.should_exit = True
        served.server.force_exit = not graceful
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(served.task, 5)


@contextlib.asynccontextmanager
async def serve_stack(auth: dict[str, Any] | None = None, **subscriptions: Any
                      ) -> AsyncIterator[Stack]:
    """Subgraphs, then the gateway composed over them (``subscriptions`` go to its config,
    ``auth`` to its JWT verification)."""
    bus = Bus()
    stack = Stack(bus)
    schemas = {"orders": orders_schema(bus), "payments": payments_schema(bus)}
    for name, schema in schemas.items():
        stack.servers[name] = await _serve(CountingSockets(GraphQL(schema), bus))
    for name, schema in schemas.items():
        url = f"http://127.0.0.1:{stack.servers[name].port}/graphql"
        stack.sources[name] = SubgraphSource(name, url, schema.as_str())
    config = GatewayConfig(mode="production", subscriptions=subscriptions, auth=auth or {})
    stack.servers["gateway"] = await _serve(create_app(stack.supergraph(), config=config))
    try:
        yield stack
    finally:
        for name in list(stack.servers)[::-1]:
            await stack.stop(name)


class WsClient:
    """A graphql-transport-ws client, one message at a time."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, url: str, payload: dict[str, Any] | None = None,
                      init: bool = True) -> AsyncIterator[WsClient]:
        async with connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
            client = cls(socket)
            if init:
                await client.send({"type": "connection_init", "payload": payload or {}})
                assert await client.receive() == {"type": "connection_ack"}
            yield client

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(orjson.dumps(message).decode())

    async def receive(self, within: float = 5.0) -> dict[str, Any]:
        return orjson.loads(await asyncio.wait_for(self.socket.recv(), within))

    async def subscribe(self, op_id: str, order_id: str, query: str = STATUS) -> None:
        await self.send({"id": op_id, "type": "subscribe",
                         "payload": {"query": query, "variables": {"id": order_id}}})

    async def closed(self, within: float = 5.0) -> tuple[int | None, str | None]:
        """The close code and reason, once the server closes."""
        with contextlib.suppress(Exception):
            while True:
                await asyncio.wait_for(self.socket.recv(), within)
        return self.socket.close_code, self.socket.close_reason


async def http_stream(url: str, accept: str, order_id: str, headers: dict[str, str],
                      lines: asyncio.Queue[str]) -> None:
    """POST the status subscription with ``accept``; every body line goes to ``lines``."""
    body = {"query": STATUS, "variables": {"id": order_id}}
    async with httpx.AsyncClient(timeout=10) as client, client.stream(
        "POST", url, json=body, headers={"accept": accept, **headers}
    ) as response:
        await lines.put(f"STATUS {response.status_code} {response.headers['content-type']}")
        async for line in response.aiter_lines():
            await lines.put(line)
    await lines.put("EOF")
