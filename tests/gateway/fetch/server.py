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

__all__ = ["GRAPHQL", "Handler", "LocalServer", "Request", "ScriptedServer", "answer",
           "read_request", "response"]

GRAPHQL = b'{"data":{"me":{"id":"1"}}}'


@dataclass
class Request:
    connection: int  # 0 for the first connection the server accepted
    target: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    method: str = "POST"


Handler = Callable[[Request, asyncio.StreamWriter], Awaitable[bool]]


def response(body: bytes, status: int = 200, headers: tuple[str, ...] = ()) -> bytes:
    """A whole response with a Content-Length."""
    head = [f"HTTP/1.1 {status} X", f"content-length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def answer(request: Request, writer: asyncio.StreamWriter) -> bool:
    """The well-behaved subgraph: one GraphQL response, keep the connection."""
    writer.write(response(GRAPHQL, headers=("content-type: application/json",)))
    return True


class LocalServer:
    """A server on 127.0.0.1 (a free port) in the test's event loop; ``_serve`` handles each
    connection, and leaving the context closes the connections in ``_writers``."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._tls = tls
        self._writers: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> Any:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            await self._connection(reader, writer)
        except ConnectionError:
            return
        finally:
            self._writers.discard(writer)
            writer.close()
            self._closed()

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    def _closed(self) -> None:
        """A connection ended."""


class ScriptedServer(LocalServer):
    def __init__(self, handler: Handler = answer, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(tls)
        self.handler = handler
        self.connections = 0
        self.open = 0
        self.requests: list[Request] = []
        self._changed = asyncio.Event()

    async def __aenter__(self) -> ScriptedServer:
        await super().__aenter__()
        self.url = f"{'https' if self._tls else 'http'}://127.0.0.1:{self.port}/graphql"
        return self

    async def until_open(self, count: int) -> None:
        """Wait until exactly ``count`` connections are open on the server side."""
        while self.open != count:
            self._changed.clear()
            await self._changed.wait()

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        index = self.connections
        self.connections += 1
        self.open += 1
        self._changed.set()
        while (request := await read_request(reader, index)) is not None:
            self.requests.append(request)
            self._changed.set()
            if not await self.handler(request, writer):
                return
            await writer.drain()

    def _closed(self) -> None:
        self.open -= 1
        self._changed.set()


async def read_request(reader: asyncio.StreamReader, index: int) -> Request | None:
    """The next request on a connection (None at its end); ``index`` names the connection."""
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
    method, target, _ = request_line.split(" ")
    return Request(index, target, headers, body, method)
