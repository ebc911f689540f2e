"""One WebSocket to a subgraph speaking ``graphql-transport-ws``, carrying many subscriptions.

Protocol: https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md. The gateway is the
client: ``connection_init`` (the propagated headers ride both on the HTTP upgrade, where
Strawberry's context reads them, and in the payload), wait for ``connection_ack``, then one
``subscribe`` per stream id; ``next``/``error``/``complete`` are routed to that id's sink; a
``ping`` is answered with a ``pong``. When the socket drops, every open stream is told so.

A socket left without streams closes, at once or after lingering ``linger`` seconds for the next
stream, and never later than ``until`` (when the token it was opened with expires: it was
authenticated at ``connection_init``, and a subgraph does not judge that token again). Past
``until`` it takes no new stream (``free`` is 0) even while others still run on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import time
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

    def __init__(self, subgraph: str, socket: ClientConnection, capacity: int,
                 linger: float = 0.0, until: float = math.inf) -> None:
        self.subgraph = subgraph
        self.capacity = capacity
        self.linger = linger
        self.until = until  # wall clock (epoch seconds): no new stream, no lingering after
        self._socket = socket
        self._sinks: dict[str, Sink] = {}
        self._ids = itertools.count(1)
        self._reader = asyncio.create_task(self._read())
        self._idle: asyncio.TimerHandle | None = None  # the lingering idle socket's close
        self._closing: asyncio.Task[None] | None = None
        self.token: str | None = None  # the Authorization it was opened with, for its owner
        self.closed = False
        self.on_close: Callable[[UpstreamSocket], None] = lambda _: None

    @classmethod
    async def open(
        cls, subgraph: str, url: str, headers: dict[str, str], capacity: int, wait: float,
        linger: float = 0.0, until: float = math.inf,
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
        return cls(subgraph, socket, capacity, linger, until)

    @property
    def free(self) -> int:
        if self.closed or time.time() >= self.until:
            return 0
        return self.capacity - len(self._sinks)

    @property
    def idle(self) -> bool:
        """Open without streams: lingering for the next one."""
        return not self.closed and not self._sinks

    async def subscribe(self, request: dict[str, Any], sink: Sink) -> str:
        """Start one stream; its messages go to ``sink``. Returns the stream id.
        SubgraphFetchError when the socket is closed or the message cannot be sent."""
        if self.closed:
            raise SubgraphFetchError(self.subgraph, f"subscription connection to subgraph "
                                                    f"'{self.subgraph}' is closed")
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        stream_id = str(next(self._ids))
        self._sinks[stream_id] = sink
        try:
            await self._send({"id": stream_id, "type": "subscribe", "payload": request})
        except WebSocketException as error:  # dropped before the reader noticed
            self._sinks.pop(stream_id, None)
            self._closed(error)
            raise SubgraphFetchError(self.subgraph, f"subscription connection to subgraph "
                                                    f"'{self.subgraph}' failed: {error}") from error
        return stream_id

    async def complete(self, stream_id: str) -> None:
        """Stop one stream (the subgraph stops its resolver); an idle socket lingers, then
        closes itself."""
        if self._sinks.pop(stream_id, None) is not None and not self.closed:
            with contextlib.suppress(WebSocketException):
                await self._send({"id": stream_id, "type": "complete"})
        if self._sinks or self.closed:
            return
        delay = min(self.linger, self.until - time.time())
        if delay <= 0:
            await self.aclose()
        elif self._idle is None:
            self._idle = asyncio.get_running_loop().call_later(delay, self.retire)

    def retire(self) -> None:
        """Take no stream from now on and close in the background (the open ones end)."""
        if not self.closed:
            self._closed(None)
            self._closing = asyncio.ensure_future(self.aclose())

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
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
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
