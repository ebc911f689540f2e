"""Python subscription clients for every gateway transport, one shape for all of them.

``subscribe(transport, url, query, variables, token)`` is an async context manager giving an
async iterator of execution results. A transport-level end with errors (a WebSocket ``error``
message, a multipart part with ``payload: null``, a refused HTTP request) is yielded as
``{"errors": [...]}`` and ends the iteration, so tests assert the same way on every transport.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import connect

__all__ = ["TRANSPORTS", "subscribe"]

TRANSPORTS = ("websocket", "sse", "multipart")
MULTIPART = "multipart/mixed;subscriptionSpec=1.0, application/json"


@contextlib.asynccontextmanager
async def subscribe(
    transport: str, url: str, query: str, variables: dict[str, Any], token: str | None = None
) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
    """The results of one subscription over ``transport`` (see the module docstring)."""
    auth = {"authorization": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables}
    if transport == "websocket":
        async with _websocket(url, body, auth) as results:
            yield results
        return
    accept = "text/event-stream" if transport == "sse" else MULTIPART
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=60)) as client, client.stream(
        "POST", url, json=body, headers={"accept": accept, **auth}
    ) as response:
        if response.status_code != 200:
            await response.aread()
            yield _once(response.json())
        elif transport == "sse":
            yield _sse(response)
        else:
            yield _multipart(response)


async def _once(body: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    yield body


@contextlib.asynccontextmanager
async def _websocket(url: str, body: dict[str, Any],
                     auth: dict[str, str]) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
    ws_url = url.replace("http://", "ws://")
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(orjson.dumps({"type": "connection_init", "payload": auth}).decode())
        assert orjson.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(orjson.dumps({"id": "1", "type": "subscribe", "payload": body}).decode())

        async def results() -> AsyncIterator[dict[str, Any]]:
            while True:
                message = orjson.loads(await socket.recv())
                if message["type"] == "ping":
                    await socket.send('{"type":"pong"}')
                elif message["type"] == "next":
                    yield message["payload"]
                elif message["type"] == "error":
                    yield {"errors": message["payload"]}
                    return
                elif message["type"] == "complete":
                    return

        yield results()


async def _sse(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    event, data = None, []
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and event is not None:
            if event == "complete":
                return
            yield orjson.loads("\n".join(data))
            event, data = None, []


async def _multipart(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    buffer = b""
    async for chunk in response.aiter_bytes():
        buffer += chunk
        *parts, buffer = buffer.split(b"--graphql")
        for part in parts:
            result = _part(part)
            if result is not None:
                yield result
                if "data" not in result:  # the transport ended the stream
                    return


def _part(part: bytes) -> dict[str, Any] | None:
    _, _, body = part.partition(b"\r\n\r\n")
    if not body.strip():
        return None
    decoded = orjson.loads(body)
    if "payload" not in decoded:
        return None  # a heartbeat
    if decoded["payload"] is None:
        return {"errors": decoded.get("errors", [])}
    return decoded["payload"]
