"""A tiny HTTP proxy on 127.0.0.1, in the test's event loop: absolute-form requests are
forwarded to the origin (one upstream connection per request), ``CONNECT`` opens a byte tunnel
(or is answered with ``refuse``). It records every request line and its headers."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from tests.gateway.fetch.server import LocalServer, Request, read_request

__all__ = ["Proxy"]


class Proxy(LocalServer):
    def __init__(self, refuse: int | None = None) -> None:
        super().__init__()
        self.refuse = refuse
        self.seen: list[tuple[str, dict[str, str]]] = []  # (request line, headers lower-cased)

    async def __aenter__(self) -> Proxy:
        await super().__aenter__()
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        while (request := await read_request(reader, 0)) is not None:
            self.seen.append((f"{request.method} {request.target} HTTP/1.1", request.headers))
            if request.method == "CONNECT":
                await self._tunnel(request.target, reader, writer)
                return
            writer.write(await self._forward(request))
            await writer.drain()

    async def _tunnel(self, target: str, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        if self.refuse is not None:
            writer.write(f"HTTP/1.1 {self.refuse} Refused\r\ncontent-length: 0\r\n\r\n".encode())
            await writer.drain()
            return
        host, _, port = target.rpartition(":")
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        self._writers.add(upstream_writer)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    async def _forward(self, request: Request) -> bytes:
        url = urlsplit(request.target)
        upstream_reader, upstream_writer = await asyncio.open_connection(url.hostname, url.port)
        lines = [f"{request.method} {url.path or '/'} HTTP/1.1",
                 *(f"{name}: {value}" for name, value in request.headers.items()
                   if name != "proxy-authorization")]
        upstream_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
                              + request.body)
        raw = await upstream_reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in raw.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        answer = raw + await upstream_reader.readexactly(length)
        upstream_writer.close()
        return answer


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()
