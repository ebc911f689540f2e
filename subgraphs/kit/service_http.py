"""A subgraph's HTTP/1.1 connections to the subgraphs it calls: the shared client
(common/http/http11.py) behind the ``httpx.AsyncClient`` face the kit's ``EntityClient`` expects.

The cart asks products for current prices on every read (the storefront's hot path): httpx's own
transport cost ~1.7 ms of CPU per call, the shared client ~0.03 ms
(tests/bench/federation/clients.py, RESULTS.md "One HTTP/1.1 client"). A connection the callee
closed as a request went out is retried once on a fresh one (entity lookups only read, so
resending is harmless). Failures become httpx's exceptions (``ConnectError``, ``ReadTimeout``,
``RemoteProtocolError``), so ``EntityClient`` turns them into UPSTREAM_UNAVAILABLE.

``ServiceClient.post(url, content=bytes, headers=dict)`` (the one call ``EntityClient`` makes)
writes the request head itself; any other call, or a header it cannot write as ASCII, goes
through httpx.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from common.http.http11 import Http11Pool, TransportError, describe
from common.telemetry.client_span import ClientSpans

__all__ = ["ServiceClient"]

_OWN = frozenset({"host", "content-length", "transfer-encoding"})  # the client writes these


class ServiceClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose plain POST goes over ``Http11Pool`` connections, one pool
    per URL, at most ``max_connections`` each; answers are ``httpx.Response``s."""

    def __init__(self, *, timeout: float, max_connections: int = 100,
                 spans: ClientSpans | None = None) -> None:
        super().__init__(timeout=timeout)
        self._within = timeout
        self._max_connections = max_connections
        self._targets: dict[str, tuple[Http11Pool, bytes]] = {}
        # the shared client is not one the httpx instrumentation wraps: its requests get their
        # CLIENT span and W3C traceparent here, so the callee continues the caller's trace
        self.spans = spans or ClientSpans()

    async def post(  # type: ignore[override]
        self, url: Any, *, content: Any = None, headers: Any = None, **options: Any
    ) -> httpx.Response:
        target = None
        if (not options and isinstance(url, str) and isinstance(content, bytes)
                and isinstance(headers, Mapping) and _header_lines(headers) is not None):
            target = self._target(url)
        if target is None:  # httpx (and its instrumentation) says what becomes of it
            return await super().post(url, content=content, headers=headers, **options)
        pool, head = target

        async def send(sent: dict[str, str]) -> httpx.Response:
            lines = _header_lines(sent)
            assert lines is not None  # the trace headers are plain ASCII
            return await self._over(pool, head + lines + _length(content) + content)

        return await self.spans.send("POST", url, headers, send)

    async def _over(self, pool: Http11Pool, data: bytes) -> httpx.Response:
        loop = asyncio.get_running_loop()
        try:
            status, body = await pool.request(data, loop.time() + self._within, True)
        except TimeoutError:
            raise httpx.ReadTimeout("the service did not answer in time") from None
        except TransportError as error:
            raise httpx.RemoteProtocolError(describe(error)) from None
        except OSError as error:
            raise httpx.ConnectError(f"cannot connect to the service: {error}") from None
        return httpx.Response(status, content=body)

    def _target(self, url: str) -> tuple[Http11Pool, bytes] | None:
        target = self._targets.get(url)
        if target is None:
            try:
                pool = Http11Pool(url, max_connections=self._max_connections,
                                  max_keepalive=self._max_connections)
            except ValueError:
                return None  # not an http(s) URL: httpx says what is wrong with it
            head = f"POST {pool.target} HTTP/1.1\r\nhost: {pool.authority}\r\n{pool.head_lines}"
            target = self._targets[url] = (pool, head.encode("ascii"))
        return target

    async def aclose(self) -> None:
        for pool, _ in self._targets.values():
            await pool.aclose()
        self._targets.clear()
        await super().aclose()


def _header_lines(headers: Mapping[Any, Any]) -> bytes | None:
    """The request's header lines, or None for a header httpx must judge (or write)."""
    lines = []
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            return None
        if name.lower() in _OWN:
            return None  # httpx decides these; leave such a call to it
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            return None  # httpx refuses these; let it say so
        lines.append(f"{name}: {value}\r\n")
    try:
        return "".join(lines).encode("ascii")
    except UnicodeEncodeError:  # httpx's verdict on such a header, unchanged
        return None


def _length(body: bytes) -> bytes:
    return b"content-length: %d\r\n\r\n" % len(body)
