"""A minimal keep-alive HTTP/1.1 client for calls between our services: asyncio plus httptools.

One ``Http11Pool`` per subgraph URL, optionally through an HTTP proxy (``proxy_for`` reads
``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` as httpx did): an ``http://`` target
is requested in absolute form from the proxy, an ``https://`` one through a ``CONNECT`` tunnel
with TLS end to end. ``user:pass@`` in the URL (or the proxy's) becomes a Basic
``Authorization`` (``Proxy-Authorization``) header; ``safe_url`` hides the password. It sends
one request per connection at a time (no pipelining), parses the response with httptools
(Content-Length, chunked, or read until close), keeps ``max_keepalive`` idle connections alive
for ``keepalive_expiry`` seconds (more only while they were used within the last
``SURPLUS_LINGER`` seconds, so that a load above ``max_keepalive`` concurrent requests does not
close and reopen connections at every dip) and opens at most ``max_connections``. A request on a
reused connection that the server closed before any byte of the response arrived is sent again
once on a fresh connection, when the caller says it is safe to resend. Everything here costs a
few microseconds of CPU per request, where httpx costs about a millisecond
(tests/bench/federation/clients.py).
"""

from __future__ import annotations

import asyncio
import base64
import select
import ssl
import urllib.request
import zlib
from collections import deque
from urllib.parse import SplitResult, unquote, urlsplit

import httptools

__all__ = [
    "ConnectionClosed",
    "Http11Pool",
    "MalformedResponse",
    "PoolClosed",
    "ProxyError",
    "ResponseTooLarge",
    "TransportError",
    "basic_credentials",
    "proxy_for",
    "safe_url",
]


# Idle connections beyond max_keepalive are closed once idle this long (at most keepalive_expiry).
SURPLUS_LINGER = 1.0


class TransportError(Exception):
    """The exchange failed below HTTP semantics: no usable response."""


class ConnectionClosed(TransportError):
    """The server closed the connection before the response was complete."""

    def __init__(self, message: str, received: bool) -> None:
        super().__init__(message)
        self.received = received  # any byte of the response arrived (never resend then)


class MalformedResponse(TransportError):
    """The bytes the server sent are not an HTTP/1.1 response."""


class ResponseTooLarge(TransportError):
    """The response body is larger than the pool's limit."""


class PoolClosed(TransportError):
    """The pool was closed."""


class ProxyError(TransportError):
    """The proxy refused to open a tunnel, or did not answer like an HTTP proxy."""


def proxy_for(url: str) -> str | None:
    """The proxy URL the environment gives for ``url``, or None (direct, or in ``NO_PROXY``).

    ``http_proxy``/``HTTP_PROXY`` for ``http://`` targets, ``https_proxy``/``HTTPS_PROXY`` for
    ``https://`` ones, ``all_proxy``/``ALL_PROXY`` for both; ``no_proxy``/``NO_PROXY`` lists
    hosts (``host``, ``.domain`` or ``domain`` for its subdomains, ``host:port``, ``*``) reached
    directly. A proxy without a scheme is an ``http://`` one.
    """
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or not parts.hostname:
        return None
    address = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    if urllib.request.proxy_bypass_environment(address, proxies):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def basic_credentials(parts: SplitResult) -> str | None:
    """``Basic <base64>`` of the URL's ``user:pass@`` (percent-decoded), None without one."""
    if parts.username is None:
        return None
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def safe_url(url: str) -> str:
    """``url`` with the password of its ``user:pass@`` replaced by ``***`` (for messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{netloc}").geturl()


_FRAMING = frozenset({b"content-length", b"transfer-encoding"})
_GZIP = 16 + zlib.MAX_WBITS
_DECODERS = {b"gzip": _GZIP, b"x-gzip": _GZIP, b"deflate": zlib.MAX_WBITS}


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection carrying one request at a time."""

    def __init__(self, pool: Http11Pool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[None] | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.status = 0
        self.received = False
        self.headers_done = False
        self.framed = False
        self.encoding: bytes | None = None
        self.keep = False
        self.closed = False
        self.idle_since = 0.0

    # -- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            # Bytes nobody asked for (after the response, or on an idle connection).
            self.keep = False
            self.transport.close()  # type: ignore[union-attr]
            return
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self.keep = False
            self.transport.close()  # type: ignore[union-attr]
            if not waiter.done():
                waiter.set_exception(MalformedResponse(f"malformed HTTP response ({error})"))

    def eof_received(self) -> bool:
        return False  # close the transport: connection_lost decides what the EOF meant

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.keep = False
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            if self.headers_done and not self.framed:
                waiter.set_result(None)  # a body delimited by the end of the connection
            else:
                reason = "before answering" if not self.received else "mid-response"
                waiter.set_exception(ConnectionClosed(f"connection closed {reason}",
                                                      self.received))
        elif waiter is None:
            self.pool._lost(self)

    # -- httptools callbacks -----------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        lowered = name.lower()
        if lowered in _FRAMING:
            self.framed = True
        elif lowered == b"content-encoding":
            self.encoding = value.strip().lower()

    def on_headers_complete(self) -> None:
        self.headers_done = True
        self.status = self.parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        if self.waiter is None or self.waiter.done():  # a second response nobody asked for
            self.keep = False
            return
        self.size += len(body)
        if self.size > self.pool.max_response_bytes:
            self.keep = False
            self.transport.close()  # type: ignore[union-attr]
            waiter = self.waiter
            if waiter is not None and not waiter.done():
                limit = self.pool.max_response_bytes
                waiter.set_exception(ResponseTooLarge(f"response larger than {limit} bytes"))
            return
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if 100 <= self.status < 200:  # an interim response: the real one follows
            self.chunks, self.size, self.headers_done, self.framed = [], 0, False, False
            self.encoding = None
            return
        self.keep = self.parser.should_keep_alive()
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- one exchange ------------------------------------------------------------------------

    async def exchange(self, data: bytes, deadline: float) -> tuple[int, bytes]:
        loop = self.pool.loop
        waiter = loop.create_future()
        self.waiter = waiter
        self.chunks, self.size, self.status = [], 0, 0
        self.received = self.headers_done = self.framed = self.keep = False
        self.encoding = None
        if self.closed or self.transport.is_closing():  # type: ignore[union-attr]
            self.waiter = None
            raise ConnectionClosed("connection closed before answering", False)
        timer = loop.call_at(deadline, _expire, waiter)
        try:
            self.transport.write(data)  # type: ignore[union-attr]
            await waiter
        finally:
            timer.cancel()
            self.waiter = None
        chunks = self.chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if self.encoding is not None and self.encoding != b"identity":
            body = self._decoded(body)
        return self.status, body

    def _decoded(self, body: bytes) -> bytes:
        wbits = _DECODERS.get(self.encoding)  # type: ignore[arg-type]
        if wbits is None:
            raise MalformedResponse(f"unsupported content-encoding {self.encoding!r}")
        decoder = zlib.decompressobj(wbits)
        limit = self.pool.max_response_bytes
        try:
            out = decoder.decompress(body, limit + 1)
        except zlib.error as error:
            raise MalformedResponse(f"undecodable {self.encoding!r} body ({error})") from None
        if len(out) > limit:
            raise ResponseTooLarge(f"response larger than {limit} bytes")
        return out

    def close(self) -> None:
        self.keep = False
        if self.transport is not None and not self.closed:
            self.transport.close()


class _Tunnel(asyncio.Protocol):
    """Reads a proxy's answer to ``CONNECT`` (status line and headers, no body)."""

    LIMIT = 65536

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.answered: asyncio.Future[int] = loop.create_future()
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        if self.answered.done():
            return
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > self.LIMIT:
                self.answered.set_exception(ProxyError("the proxy's answer to CONNECT is too long"))
            return
        status_line = self.buffer[:end].split(b"\r\n", 1)[0].split()
        if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/") \
                or not status_line[1].isdigit():
            self.answered.set_exception(ProxyError("the proxy did not answer CONNECT in HTTP"))
            return
        self.answered.set_result(int(status_line[1]))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.answered.done():
            self.answered.set_exception(ProxyError("the proxy closed the connection on CONNECT"))


def _readable(conn: _Connection) -> bool:
    sock = conn.transport.get_extra_info("socket")  # type: ignore[union-attr]
    if sock is None:
        return False
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class Http11Pool:
    """Keep-alive connections to one ``http://`` or ``https://`` origin, bound to one loop."""

    def __init__(
        self,
        url: str,
        *,
        max_connections: int = 100,
        max_keepalive: int = 20,
        keepalive_expiry: float = 4.0,
        max_response_bytes: int = 50_000_000,
        ssl_context: ssl.SSLContext | None = None,
        proxy: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {safe_url(url)!r}")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        default_port = 443 if self.https else 80
        netloc = f"[{self.host}]" if ":" in self.host else self.host
        self.authority = netloc if self.port == default_port else f"{netloc}:{self.port}"
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # Header lines every request carries: credentials from the URL, the proxy's.
        self.authorization = basic_credentials(parts)
        self.head_lines = "" if self.authorization is None else (
            f"authorization: {self.authorization}\r\n")
        self._proxy: tuple[str, int] | None = None
        self._connect_request = b""
        if proxy:
            self._use_proxy(proxy)
        self.max_connections = max(1, max_connections)
        self.max_keepalive = max(0, max_keepalive)
        self.keepalive_expiry = keepalive_expiry
        self._linger = min(SURPLUS_LINGER, keepalive_expiry)
        self._pruning: asyncio.TimerHandle | None = None
        self.max_response_bytes = max_response_bytes
        self._ssl = (ssl_context or ssl.create_default_context()) if self.https else None
        self.loop: asyncio.AbstractEventLoop = None  # type: ignore[assignment]  # on first use
        self._idle: deque[_Connection] = deque()  # most recently used on the right
        self._open: set[_Connection] = set()
        self._opening = 0
        self._waiters: deque[asyncio.Future[_Connection | None]] = deque()
        self._closed = False

    def _use_proxy(self, proxy: str) -> None:
        parts = urlsplit(proxy)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"not an http:// proxy URL: {safe_url(proxy)!r}")
        self._proxy = (parts.hostname, parts.port or 80)
        credentials = basic_credentials(parts)
        if self.https:  # a tunnel: the proxy sees CONNECT only, TLS runs end to end
            host = f"[{self.host}]" if ":" in self.host else self.host
            target = f"{host}:{self.port}"  # CONNECT's authority form always names the port
            head = f"CONNECT {target} HTTP/1.1\r\nhost: {target}\r\n"
            if credentials is not None:
                head += f"proxy-authorization: {credentials}\r\n"
            self._connect_request = (head + "\r\n").encode("latin-1")
            return
        self.target = f"http://{self.authority}{self.target}"  # the absolute form for a proxy
        if credentials is not None:
            self.head_lines += f"proxy-authorization: {credentials}\r\n"

    @property
    def connections(self) -> int:
        """Connections open or being opened."""
        return len(self._open) + self._opening

    async def request(self, data: bytes, deadline: float, replayable: bool) -> tuple[int, bytes]:
        """Send ``data`` (a whole request) and return the status and body of the response.

        ``deadline`` is in ``loop.time()``; past it the exchange fails with TimeoutError.
        """
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        conn, reused = self._take_idle(replayable) or (await self._acquire(deadline, replayable))
        try:
            return await self._exchange(conn, data, deadline)
        except ConnectionClosed as error:
            # The server closed an idle connection as the request went out: nothing was
            # processed for sure only if nothing came back, and resending must be harmless.
            if not (reused and replayable and not error.received):
                raise
        conn, _ = await self._acquire(deadline, replayable, fresh=True)
        return await self._exchange(conn, data, deadline)

    async def _exchange(self, conn: _Connection, data: bytes, deadline: float) -> tuple[int, bytes]:
        try:
            result = await conn.exchange(data, deadline)
        except BaseException:
            conn.close()
            self._forget(conn)
            raise
        if conn.keep and not conn.closed and not self._closed:
            self._release(conn)
        else:
            conn.close()
            self._forget(conn)
        return result

    def _take_idle(self, replayable: bool) -> tuple[_Connection, bool] | None:
        idle = self._idle
        if not idle:
            return None
        now = self.loop.time()
        while idle and now - idle[0].idle_since > self.keepalive_expiry:
            self._drop_idle(idle.popleft())
        while idle:
            conn = idle.pop()
            if conn.closed or conn.transport.is_closing():  # type: ignore[union-attr]
                self._drop_idle(conn)
                continue
            if not replayable and _readable(conn):
                # Bytes (or the end) arrived on an idle connection since the loop last looked:
                # the server is closing it. A request that must not be sent twice takes no
                # chance on it (a query would be retried instead, without this system call).
                self._drop_idle(conn)
                continue
            return conn, True
        return None

    def _drop_idle(self, conn: _Connection) -> None:
        conn.close()
        self._forget(conn)

    async def _acquire(
        self, deadline: float, replayable: bool = False, fresh: bool = False
    ) -> tuple[_Connection, bool]:
        while True:
            if self._closed:
                raise PoolClosed("the client is closed")
            if not fresh and (found := self._take_idle(replayable)) is not None:
                return found
            if self.connections < self.max_connections:
                return await self._connect(deadline), False
            if fresh and self._idle:
                # No room for one more: make room by closing the oldest idle connection.
                self._drop_idle(self._idle.popleft())
                continue
            waiter: asyncio.Future[_Connection | None] = self.loop.create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    conn = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    handed = waiter.result()
                    if handed is not None:
                        self._release(handed)
                    else:
                        self._wake()
                else:
                    waiter.cancel()
                raise
            if conn is not None:
                if fresh:
                    self._drop_idle(conn)
                    continue
                return conn, True

    async def _connect(self, deadline: float) -> _Connection:
        self._opening += 1
        try:
            async with asyncio.timeout_at(deadline):
                if self._proxy is None:
                    _, conn = await self.loop.create_connection(
                        lambda: _Connection(self), self.host, self.port, ssl=self._ssl,
                        server_hostname=self.host if self._ssl is not None else None,
                    )
                elif self._ssl is None:  # requests in absolute form to the proxy
                    _, conn = await self.loop.create_connection(
                        lambda: _Connection(self), *self._proxy)
                else:
                    conn = await self._tunnel()
        except BaseException:
            self._opening -= 1
            self._wake()
            raise
        self._opening -= 1
        if self._closed or conn.closed:
            conn.close()
            self._wake()
            if self._closed:
                raise PoolClosed("the client is closed")
            raise ConnectionClosed("connection closed before answering", False)
        self._open.add(conn)
        return conn

    async def _tunnel(self) -> _Connection:
        """A TLS connection to the origin through the proxy's ``CONNECT`` tunnel."""
        assert self._proxy is not None and self._ssl is not None
        transport, tunnel = await self.loop.create_connection(
            lambda: _Tunnel(self.loop), *self._proxy)
        try:
            transport.write(self._connect_request)
            status = await tunnel.answered
            if not 200 <= status < 300:
                raise ProxyError(f"the proxy answered CONNECT with HTTP {status}")
            conn = _Connection(self)
            tls = await self.loop.start_tls(transport, conn, self._ssl,
                                            server_hostname=self.host)
        except BaseException:
            transport.close()
            raise
        if tls is None:  # the connection closed during the handshake
            raise ConnectionClosed("connection closed before answering", False)
        conn.connection_made(tls)
        return conn

    def _release(self, conn: _Connection) -> None:
        """A connection is free again: to the first waiter, else to the idle list."""
        if self._hand_over(conn):
            return
        if self.max_keepalive == 0 or (len(self._idle) >= self.max_keepalive and self._linger <= 0):
            conn.close()
            self._forget(conn)
            return
        conn.idle_since = self.loop.time()
        self._idle.append(conn)
        if len(self._idle) > self.max_keepalive and self._pruning is None:
            self._pruning = self.loop.call_at(conn.idle_since + self._linger, self._prune)

    def _prune(self) -> None:
        """Close the surplus idle connections unused for ``_linger`` seconds (oldest first)."""
        self._pruning = None
        idle, now = self._idle, self.loop.time()
        while len(idle) > self.max_keepalive and now - idle[0].idle_since >= self._linger:
            self._drop_idle(idle.popleft())
        if len(idle) > self.max_keepalive and not self._closed:
            self._pruning = self.loop.call_at(idle[0].idle_since + self._linger, self._prune)

    def _forget(self, conn: _Connection) -> None:
        if conn in self._open:
            self._open.discard(conn)
            self._wake()

    def _wake(self) -> None:
        """Room for one more connection: tell the first waiter."""
        self._hand_over(None)

    def _hand_over(self, conn: _Connection | None) -> bool:
        """Give ``conn`` (None: the right to open one) to the first waiter still waiting."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return True
        return False

    def _lost(self, conn: _Connection) -> None:
        """An idle connection was closed by the server."""
        try:
            self._idle.remove(conn)
        except ValueError:
            pass
        self._forget(conn)

    async def aclose(self) -> None:
        """Close every connection, idle or busy; later requests fail with PoolClosed."""
        self._closed = True
        if self._pruning is not None:
            self._pruning.cancel()
            self._pruning = None
        for conn in list(self._open):
            conn.close()
            self._forget(conn)
        self._idle.clear()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
        # Let the transports run their connection_lost callbacks (and close their sockets).
        await asyncio.sleep(0)


def describe(error: BaseException) -> str:
    """A short reason for a failed exchange, for the client-facing error message."""
    if isinstance(error, TransportError):
        return str(error)
    return type(error).__name__
