"""GraphQL over WebSocket, ``graphql-transport-ws`` (the protocol the graphql-ws library speaks).

https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md: the client sends
``connection_init`` (its payload may carry ``Authorization``, which is then propagated like the
HTTP header; an invalid token closes the socket with 4403 Forbidden right there) within
``connection_init_timeout_seconds`` (else 4408) and only once (else 4429); ``subscribe`` before
the ack closes 4401, a reused id 4409, anything malformed 4400. Every operation answers
``next``... then ``complete``, or ``error`` when refused or when its stream breaks (a subgraph
that drops, a subscriber too slow for its queue). ``ping`` gets ``pong``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from gateway.http.streams import StreamEnd, limit_error
from gateway.plugins import GraphQLRequest
from gateway.subscriptions_config import SubscriptionsConfig

__all__ = ["PROTOCOL", "serve_websocket"]

PROTOCOL = "graphql-transport-ws"
Opener = Callable[[GraphQLRequest], Awaitable[AsyncIterator[dict[str, Any]]]]
# Whether the connection's headers (after connection_init) carry an acceptable token.
InitCheck = Callable[[dict[str, str]], Awaitable[bool]]
log = logging.getLogger(__name__)


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


async def serve_websocket(socket: WebSocket, open_results: Opener,
                          options: SubscriptionsConfig, init_check: InitCheck | None = None
                          ) -> None:
    """Serve one client connection until either side closes it.

    ``open_results`` starts one operation (see ``streams.open_results``); ``init_check``
    judges the token at ``connection_init`` (False: close 4403).
    """
    if PROTOCOL not in socket.scope.get("subprotocols", []):
        await socket.accept()
        await socket.close(4406, "Subprotocol not acceptable")
        return
    await socket.accept(subprotocol=PROTOCOL)
    await _Connection(socket, open_results, options, init_check).run()


class _Connection:
    """One client socket: its handshake state and its running operations by id."""

    def __init__(self, socket: WebSocket, open_results: Opener,
                 options: SubscriptionsConfig, init_check: InitCheck | None = None) -> None:
        self.socket = socket
        self.init_check = init_check
        self.open_results = open_results
        self.options = options
        self.headers = dict(socket.headers)
        self.initialised = False
        self.operations: dict[str, asyncio.Task[None]] = {}

    async def run(self) -> None:
        timer = asyncio.create_task(self._init_timeout())
        try:
            while True:
                await self._on_message(await self._receive_text())
        except _Close as close:
            await self._close(close.code, close.reason)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went away (RuntimeError: a receive after the close)
        finally:
            timer.cancel()
            for task in list(self.operations.values()):
                task.cancel()

    async def _receive_text(self) -> str:
        """The next text frame; a binary frame breaks the protocol (4400)."""
        message = await self.socket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        text = message.get("text")
        if text is None:
            raise _Close(4400, "Messages must be text frames")
        return str(text)

    async def _init_timeout(self) -> None:
        await asyncio.sleep(self.options.connection_init_timeout_seconds)
        if not self.initialised:
            await self._close(4408, "Connection initialisation timeout")

    async def _close(self, code: int, reason: str) -> None:
        if self.socket.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.socket.close(code, reason)

    async def _on_message(self, text: str) -> None:
        message = _decode(text)
        kind = message["type"]
        if kind == "connection_init":
            await self._init(message.get("payload"))
        elif kind == "ping":
            await self._send({"type": "pong"})
        elif kind == "pong":
            return
        elif kind == "subscribe":
            self._subscribe(message)
        elif kind == "complete":
            self._complete(message)
        else:
            raise _Close(4400, f"Unexpected message of type {kind!r}")

    async def _init(self, payload: Any) -> None:
        if self.initialised:
            raise _Close(4429, "Too many initialisation requests")
        if payload is not None and not isinstance(payload, dict):
            raise _Close(4400, "The connection_init payload must be an object")
        self.headers.update(_payload_headers(payload or {}))
        if self.init_check is not None and not await self.init_check(self.headers):
            raise _Close(4403, "Forbidden")  # graphql-transport-ws: the server rejected the init
        self.initialised = True
        await self._send({"type": "connection_ack"})

    def _subscribe(self, message: dict[str, Any]) -> None:
        if not self.initialised:
            raise _Close(4401, "Unauthorized")
        op_id, payload = message.get("id"), message.get("payload")
        if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
            raise _Close(4400, "A subscribe message needs an id and a payload object")
        if op_id in self.operations:
            raise _Close(4409, f"Subscriber for {op_id} already exists")
        request = _request(payload, self.headers)
        self.operations[op_id] = asyncio.create_task(self._operate(op_id, request))

    def _complete(self, message: dict[str, Any]) -> None:
        task = self.operations.pop(str(message.get("id")), None)
        if task is not None:
            task.cancel()

    async def _operate(self, op_id: str, request: GraphQLRequest) -> None:
        try:
            if len(self.operations) > self.options.max_per_connection:
                raise StreamEnd(limit_error("Too many subscriptions on this connection."), False)
            async for response in await self.open_results(request):
                await self._send({"id": op_id, "type": "next", "payload": response})
            await self._send({"id": op_id, "type": "complete"})
        except StreamEnd as end:
            await self._send({"id": op_id, "type": "error", "payload": end.errors})
        except (WebSocketDisconnect, RuntimeError):
            if self.socket.application_state == WebSocketState.CONNECTED:
                log.exception("operation %s failed", op_id)  # not a closed socket: a bug
        finally:
            if self.operations.get(op_id) is asyncio.current_task():
                del self.operations[op_id]

    async def _send(self, message: dict[str, Any]) -> None:
        await self.socket.send_text(orjson.dumps(message).decode())


def _decode(text: str) -> dict[str, Any]:
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise _Close(4400, "Invalid message received") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise _Close(4400, "Invalid message received")
    return message


def _payload_headers(payload: dict[str, Any]) -> dict[str, str]:
    """String entries of the init payload (and of its ``headers`` object), names lower-cased.

    Which of them reach subgraphs is decided by the header propagation plugin, as for HTTP.
    """
    nested = payload.get("headers")
    entries = {**payload, **(nested if isinstance(nested, dict) else {})}
    return {k.lower(): v for k, v in entries.items() if isinstance(v, str)}


def _request(payload: dict[str, Any], headers: dict[str, str]) -> GraphQLRequest:
    query = payload.get("query")
    name = payload.get("operationName")
    variables = payload.get("variables")
    extensions = payload.get("extensions")
    return GraphQLRequest(
        query if isinstance(query, str) else "",
        name if isinstance(name, str) and name else None,
        variables if isinstance(variables, dict) else {},
        extensions if isinstance(extensions, dict) else {},
        dict(headers),
    )

