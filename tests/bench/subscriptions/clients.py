"""The benchmark's subscriber clients: one graphql-transport-ws socket or one SSE stream each.

Each records when its subscription was acknowledged end to end (its first event: the harness
sends PENDING probe events until every client has one) and the publish -> receipt latency of
the measured (PAID) events. The SSE client speaks HTTP/1.1 on a bare asyncio stream (chunked
``text/event-stream``), so ten thousand of them stay cheap in the harness process.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

import orjson
from websockets.asyncio.client import connect

__all__ = ["QUERY", "Subscriber"]

QUERY = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
    id status publishedAt payment { status } } }"""


class Subscriber:
    """One client and what it saw."""

    def __init__(self, order: str, token: str | None) -> None:
        self.order = order
        self.token = token
        self.latencies: list[float] = []
        self.first: float | None = None  # monotonic time of its first event
        self.errors = 0
        self.last = 0.0  # wall-clock time of its latest event
        self.sent = False  # its subscribe went out (WebSocket) or was answered 200 (SSE)
        self.failed = False

    def receive(self, payload: dict[str, Any]) -> None:
        now = time.time()
        if self.first is None:
            self.first = time.monotonic()
        if "errors" in payload or not isinstance(payload.get("data"), dict):
            self.errors += 1
            return
        event = payload["data"]["orderStatusChanged"]  # type: ignore[index]
        if event["status"] == "PAID":  # measured events; PENDING ones are set-up probes
            self.latencies.append(now - event["publishedAt"])
        self.last = now

    async def run_ws(self, url: str) -> None:
        async with connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           max_queue=None, ping_interval=None, compression=None) as socket:
            init = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            await socket.send(orjson.dumps({"type": "connection_init", "payload": init}).decode())
            await socket.recv()
            await socket.send(orjson.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": QUERY, "variables": {"id": self.order}}}).decode())
            self.sent = True
            async for raw in socket:
                message = orjson.loads(raw)
                if message["type"] == "next":
                    self.receive(message["payload"])
                else:
                    self.errors += 1

    async def run_sse(self, url: str) -> None:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        body = orjson.dumps({"query": QUERY, "variables": {"id": self.order}})
        auth = f"authorization: Bearer {self.token}\r\n" if self.token else ""
        writer.write((f"POST {parts.path} HTTP/1.1\r\nhost: {parts.netloc}\r\n"
                      "accept: text/event-stream\r\ncontent-type: application/json\r\n"
                      f"{auth}content-length: {len(body)}\r\n\r\n").encode() + body)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                self.errors += 1
                return
            self.sent = True
            buffer = b""
            while True:
                size = int((await reader.readline()).strip() or b"0", 16)
                if size == 0:
                    return
                buffer += await reader.readexactly(size + 2)  # the chunk and its CRLF
                buffer = buffer[:-2]
                *events, buffer = buffer.split(b"\n\n")
                for event in events:
                    self._sse_event(event)
        finally:
            writer.close()

    def _sse_event(self, event: bytes) -> None:
        name, data = b"", b""
        for line in event.split(b"\n"):
            if line.startswith(b"event: "):
                name = line[7:]
            elif line.startswith(b"data: "):
                data = line[6:]
        if name == b"next" and data:
            self.receive(orjson.loads(data))
