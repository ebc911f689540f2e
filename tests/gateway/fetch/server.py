"""A scripted HTTP/1.1 server on 127.0.0.1, in the test's event loop, for the subgraph client.

Each request goes to ``handler(request, writer)``, which writes whatever bytes it likes and
returns whether to keep the connection for another request. The server counts connections and
records every request it received.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["GRAPHQL", "Handler", "Request", "ScriptedServer", "answer", "response"]

GRAPHQL = b'{"data":{"me":{"id":"1"}}}'


@dataclass
class Request:
    connection: int  # 0 for the first connection the server accepted
    target: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


Handler = Callable[[Request, asyncio.StreamWriter], Awaitable[bool]]


def response(body: bytes, status: int = 200, headers: tuple[str, ...] = ()) -> bytes:
    """A whole response with a Content-Length."""
    head = [f"HTTP/1.1 {status} X", f"content-length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def answer(request: Request, writer: asyncio.StreamWriter) -> bool:
    """The well-behaved subgraph: one GraphQL response, keep the connection."""
    writer.write(response(GRAPHQL, headers=("content-type: application/json",)))
    return True


class ScriptedServer:
    def __init__(self, handler: Handler = answer, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self._tls = tls
        self.connections = 0
        self.open = 0
        self.requests: list[Request] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._changed = asyncio.Event()

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._tls)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"{'https' if self._tls else 'http'}://127.0.0.1:{port}/graphql"
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def until_open(self, count: int) -> None:
        """Wait until exactly ``count`` connections are open on the server side."""
        while self.open != count:
            self._changed.clear()
            await self._changed.wait()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = self.connections
        self.connections += 1
        self.open += 1
        self._writers.add(writer)
        self._changed.set()
        try:
            while (request := await _read_request(reader, index)) is not None:
                self.requests.append(request)
                self._changed.set()
                if not await self.handler(request, writer):
                    return
                await writer.drain()
        except ConnectionError:
            return
        finally:
            self._writers.discard(writer)
            writer.close()
            self.open -= 1
            self._changed.set()


async def _read_request(reader: asyncio.StreamReader, index: int) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
    headers: dict[str, str] = {}
    for line in lines:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        headers[name] = f"{headers[name]}, {value.strip()}" if name in headers else value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Request(index, request_line.split(" ")[1], headers, body)
