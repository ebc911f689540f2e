"""One WebSocket to a subgraph speaking ``graphql-transport-ws``, carrying many subscriptions.

Protocol: https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md. The gateway is the
client: ``connection_init`` (the propagated headers ride both on the HTTP upgrade, where
Strawberry's context reads them, and in the payload), wait for ``connection_ack``, then one
``subscribe`` per stream id; ``next``/``error``/``complete`` are routed to that id's sink; a
``ping`` is answered with a ``pong``. When the socket drops, every open stream is told so.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from common.telemetry.propagation import outgoing_headers
from gateway.fetch.errors import SubgraphFetchError

__all__ = ["PROTOCOL", "Sink", "UpstreamSocket", "ws_url"]

PROTOCOL = "graphql-transport-ws"
log = logging.getLogger(__name__)

# A sink receives ("next", payload), ("error", [errors]), ("complete", None) or
# ("closed", SubgraphFetchError) for its stream id.
Sink = Callable[[str, Any], None]


def ws_url(url: str) -> str:
    """The WebSocket URL of a subgraph's HTTP routing URL (same path)."""
    if url.startswith("https://"):
        return "wss://" + url[len("https://"):]
    if url.startswith("http://"):
        return "ws://" + url[len("http://"):]
    return url


class UpstreamSocket:
    """A connected, acknowledged socket; ``capacity`` bounds the streams it multiplexes."""

    def __init__(self, subgraph: str, socket: ClientConnection, capacity: int) -> None:
        self.subgraph = subgraph
        self.capacity = capacity
        self._socket = socket
        self._sinks: dict[str, Sink] = {}
        self._ids = itertools.count(1)
        self._reader = asyncio.create_task(self._read())
        self.closed = False
        self.on_close: Callable[[UpstreamSocket], None] = lambda _: None

    @classmethod
    async def open(
        cls, subgraph: str, url: str, headers: dict[str, str], capacity: int, wait: float
    ) -> UpstreamSocket:
        """Connect and complete the handshake within ``wait`` seconds; SubgraphFetchError if not.

        The upgrade request carries the current trace context (W3C ``traceparent``)."""
        headers = outgoing_headers(headers)
        try:
            async with asyncio.timeout(wait):
                socket = await connect(ws_url(url), subprotocols=[PROTOCOL],  # type: ignore[list-item]
                                       additional_headers=headers, open_timeout=wait,
                                       max_size=None, ping_interval=None, close_timeout=2)
                await _handshake(socket, headers)
        except (OSError, TimeoutError, WebSocketException, ValueError) as error:
            raise SubgraphFetchError(subgraph, f"subscription connection to subgraph "
                                               f"'{subgraph}' failed: {error}") from error
        return cls(subgraph, socket, capacity)

    @property
    def free(self) -> int:
        return 0 if self.closed else self.capacity - len(self._sinks)

    async def subscribe(self, request: dict[str, Any], sink: Sink) -> str:
        """Start one stream; its messages go to ``sink``. Returns the stream id."""
        stream_id = str(next(self._ids))
        self._sinks[stream_id] = sink
        await self._send({"id": stream_id, "type": "subscribe", "payload": request})
        return stream_id

    async def complete(self, stream_id: str) -> None:
        """Stop one stream (the subgraph stops its resolver); idle sockets close themselves."""
        if self._sinks.pop(stream_id, None) is not None and not self.closed:
            with contextlib.suppress(WebSocketException):
                await self._send({"id": stream_id, "type": "complete"})
        if not self._sinks:
            await self.aclose()

    async def aclose(self) -> None:
        if not self.closed:
            self._closed(None)
        with contextlib.suppress(WebSocketException):
            await self._socket.close(1000)
        self._reader.cancel()

    async def _send(self, message: dict[str, Any]) -> None:
        await self._socket.send(orjson.dumps(message).decode())

    async def _read(self) -> None:
        error = None
        try:
            async for raw in self._socket:
                await self._dispatch(orjson.loads(raw))
        except (WebSocketException, OSError, orjson.JSONDecodeError) as failure:
            error = failure
        finally:
            if not self.closed:
                self._closed(error)

    async def _dispatch(self, message: Any) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            await self._send({"type": "pong"})
            return
        sink = self._sinks.get(message.get("id")) if kind in ("next", "error", "complete") else None
        if sink is None:
            return
        if kind != "next":
            self._sinks.pop(message["id"], None)
        sink(kind, message.get("payload"))

    def _closed(self, cause: BaseException | None) -> None:
        self.closed = True
        self.on_close(self)
        sinks, self._sinks = self._sinks, {}
        reason = f": {cause}" if cause else ""
        error = SubgraphFetchError(self.subgraph, f"subgraph '{self.subgraph}' closed the "
                                   f"subscription connection{reason}", "SUBGRAPH_STREAM_CLOSED")
        for sink in sinks.values():
            sink("closed", error)


async def _handshake(socket: ClientConnection, headers: dict[str, str]) -> None:
    """``connection_init`` -> ``connection_ack`` (answering pings that come first)."""
    await socket.send(orjson.dumps({"type": "connection_init", "payload": headers}).decode())
    while True:
        message = orjson.loads(await socket.recv())
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "connection_ack":
            return
        if kind == "ping":
            await socket.send('{"type":"pong"}')
            continue
        raise ValueError(f"expected connection_ack, got {kind!r}")
