"""The cart's HTTP/1.1 connections to products: an httpx transport that keeps connections open.

Every cart read asks products for current prices, so this call is on the storefront's hot path.
httpx's own transport (httpcore + h11) cost ~1.7 ms of CPU per call here, more than half of the
cart's CPU under load (tests/bench/storefront); this one costs ~0.1 ms: an ``asyncio.Protocol``
per connection, responses parsed by httptools (Content-Length, chunked, or until close), idle
connections reused last-in first-out, at most ``max_connections`` open. A connection products
closed while it sat idle is noticed when the close arrives (no syscall per request); one that is
closed just as a request goes out fails before any byte of the answer came back and the request
is sent once more on a new connection (the cart only reads, so resending is harmless).

Failures are httpx's exceptions (``ConnectError``, ``ReadTimeout``, ``RemoteProtocolError``...),
so ``EntityClient`` turns them into UPSTREAM_UNAVAILABLE exactly as before.

``ProductsClient`` is the ``httpx.AsyncClient`` the cart hands to ``EntityClient``: its plain
``post(url, content=bytes, headers=dict)`` (the one call ``EntityClient`` makes) writes the
request head itself and goes straight to the transport's connections, skipping httpx's request
building, URL merging, cookie handling and redirect/auth loop (~55 us of the ~150 us httpx
spent per lookup). Any other call, or a header it cannot write as ASCII, goes through httpx.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any

import httptools
import httpx

from common.telemetry.propagation import traced_headers

__all__ = ["ProductsClient", "ProductsTransport"]

Origin = tuple[str, str, int]


_FRAMING = frozenset({b"content-length", b"transfer-encoding"})


class _Dropped(Exception):
    """The connection closed before the answer was complete."""

    def __init__(self, answered: bool) -> None:
        super().__init__("products closed the connection")
        self.answered = answered  # some bytes of the answer had arrived (never resend then)


class _Connection(asyncio.Protocol):
    """One connection, one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._parser = httptools.HttpResponseParser(self)
        self._done: asyncio.Future[None] | None = None
        self._answered = self._headers_done = self._framed = False
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []
        self.status = 0
        self.keep_alive = False

    async def exchange(self, data: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        assert self.transport is not None
        self._done = asyncio.get_running_loop().create_future()
        self._answered, self._headers, self._body = False, [], []
        self._headers_done = self._framed = self.keep_alive = False
        self.transport.write(data)
        await self._done
        return self.status, self._headers, b"".join(self._body)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._answered = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(httpx.RemoteProtocolError("products answered with an upgrade"))
        except httptools.HttpParserError as exc:
            self._fail(httpx.RemoteProtocolError(f"products answered malformed HTTP: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        done = self._done
        if done is not None and not done.done() and self._headers_done and not self._framed:
            done.set_result(None)  # an answer without a length ends when the connection does
        self._fail(_Dropped(self._answered))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))
        if name.lower() in _FRAMING:
            self._framed = True

    def on_headers_complete(self) -> None:
        self._headers_done = True
        self.status = self._parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self._parser.should_keep_alive()
        if self._done is not None and not self._done.done():
            self._done.set_result(None)

    def _fail(self, exc: Exception) -> None:
        if self._done is not None and not self._done.done():
            self._done.set_exception(exc)
        if not self.closed:
            self.close()


class ProductsTransport(httpx.AsyncBaseTransport):
    """Kept-open HTTP/1.1 connections to products (any origin it is asked for, pooled per
    origin); ``max_connections`` bounds the connections open at once."""

    def __init__(self, *, max_connections: int = 100) -> None:
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        data = _serialise(request, await request.aread())
        status, headers, body = await self.exchange(
            _origin(request.url), data, timeout.get("connect"), timeout.get("read"), request
        )
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def exchange(
        self, origin: Origin, data: bytes, connect_within: float | None,
        read_within: float | None, request: httpx.Request | None = None,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Send ``data`` (a whole HTTP/1.1 request) to ``origin`` on a kept-open connection and
        read the answer: status, headers, body. ``request`` only labels httpx's exceptions."""
        async with self._slots:
            for attempt in range(2):
                connection, reused = self._take(origin), True
                if connection is None:
                    connection = await self._connect(origin, request, connect_within)
                    reused = False
                try:
                    async with asyncio.timeout(read_within):
                        status, headers, body = await connection.exchange(data)
                except _Dropped as exc:
                    if reused and not exc.answered and attempt == 0:
                        continue  # products closed it as we reused it: once more, afresh
                    raise httpx.RemoteProtocolError(str(exc), request=request) from None
                except TimeoutError:
                    connection.close()
                    raise httpx.ReadTimeout("products did not answer in time",
                                            request=request) from None
                except BaseException:
                    connection.close()
                    raise
                self._give_back(origin, connection)
                return status, headers, body
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    def _take(self, origin: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if not connection.closed:
                return connection
        return None

    def _give_back(self, origin: tuple[str, str, int], connection: _Connection) -> None:
        if connection.keep_alive and not connection.closed and not self._closed:
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()

    async def _connect(
        self, origin: Origin, request: httpx.Request | None, within: float | None
    ) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            tls = self._tls = self._tls or ssl.create_default_context()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(within):
                _, connection = await loop.create_connection(_Connection, host, port, ssl=tls)
        except TimeoutError:
            raise httpx.ConnectTimeout("products did not accept a connection in time",
                                       request=request) from None
        except OSError as exc:
            raise httpx.ConnectError(f"cannot connect to products: {exc}",
                                     request=request) from None
        return connection


class ProductsClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` over ``ProductsTransport`` whose plain POST skips httpx's
    models (see the module docstring); answers are ``httpx.Response``s as before."""

    def __init__(self, *, timeout: float, max_connections: int = 100) -> None:
        self._pool = ProductsTransport(max_connections=max_connections)
        super().__init__(timeout=timeout, transport=self._pool)
        self._within = timeout
        self._targets: dict[str, tuple[Origin, str]] = {}

    async def post(  # type: ignore[override]
        self, url: Any, *, content: Any = None, headers: Any = None, **options: Any
    ) -> httpx.Response:
        data = None
        if (not options and isinstance(url, str) and isinstance(content, bytes)
                and isinstance(headers, Mapping)):
            # our transport is not one the httpx instrumentation wraps: the request's trace
            # context (W3C traceparent) is added here, so products continues the cart's trace
            headers = traced_headers(headers)
            data = self._request_bytes(url, content, headers)
        if data is None:
            return await super().post(url, content=content, headers=headers, **options)
        origin = self._targets[url][0]
        status, answer_headers, body = await self._pool.exchange(
            origin, data, self._within, self._within
        )
        return httpx.Response(status, headers=answer_headers, content=body)

    def _request_bytes(self, url: str, body: bytes, headers: Mapping[Any, Any]) -> bytes | None:
        target = self._targets.get(url)
        if target is None:
            parsed = httpx.URL(url)
            if parsed.scheme not in ("http", "https") or not parsed.host:
                return None
            host = parsed.netloc.decode("ascii")
            head = f"POST {parsed.raw_path.decode('ascii')} HTTP/1.1\r\nhost: {host}\r\n"
            target = self._targets[url] = (_origin(parsed), head)
        lines = [target[1]]
        for name, value in headers.items():
            if not isinstance(name, str) or not isinstance(value, str):
                return None
            if name.lower() in ("host", "content-length", "transfer-encoding"):
                return None  # httpx decides these; leave such a call to it
            if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
                return None  # httpx refuses these; let it say so
            lines.append(f"{name}: {value}\r\n")
        lines.append(f"content-length: {len(body)}\r\n\r\n")
        try:
            return "".join(lines).encode("ascii") + body
        except UnicodeEncodeError:  # httpx's verdict on such a header, unchanged
            return None


def _origin(url: httpx.URL) -> Origin:
    return (url.scheme, url.host, url.port or _port(url))


def _port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _serialise(request: httpx.Request, body: bytes) -> bytes:
    target = request.url.raw_path.decode("ascii")
    lines = [f"{request.method} {target} HTTP/1.1".encode("ascii")]
    lines += [name + b": " + value for name, value in request.headers.raw]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
