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
from common.telemetry.propagation import traced_headers

__all__ = ["ServiceClient"]

_OWN = frozenset({"host", "content-length", "transfer-encoding"})  # the client writes these


class ServiceClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose plain POST goes over ``Http11Pool`` connections, one pool
    per URL, at most ``max_connections`` each; answers are ``httpx.Response``s."""

    def __init__(self, *, timeout: float, max_connections: int = 100) -> None:
        super().__init__(timeout=timeout)
        self._within = timeout
        self._max_connections = max_connections
        self._targets: dict[str, tuple[Http11Pool, bytes]] = {}

    async def post(  # type: ignore[override]
        self, url: Any, *, content: Any = None, headers: Any = None, **options: Any
    ) -> httpx.Response:
        data = target = None
        if (not options and isinstance(url, str) and isinstance(content, bytes)
                and isinstance(headers, Mapping)):
            # the shared client is not one the httpx instrumentation wraps: the request's trace
            # context (W3C traceparent) is added here, so the callee continues the caller's trace
            headers = traced_headers(headers)
            target = self._target(url)
            data = None if target is None else _request_bytes(target[1], content, headers)
        if data is None or target is None:
            return await super().post(url, content=content, headers=headers, **options)
        loop = asyncio.get_running_loop()
        try:
            status, body = await target[0].request(data, loop.time() + self._within, True)
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


def _request_bytes(head: bytes, body: bytes, headers: Mapping[Any, Any]) -> bytes | None:
    lines = []
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            return None
        if name.lower() in _OWN:
            return None  # httpx decides these; leave such a call to it
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            return None  # httpx refuses these; let it say so
        lines.append(f"{name}: {value}\r\n")
    lines.append(f"content-length: {len(body)}\r\n\r\n")
    try:
        return head + "".join(lines).encode("ascii") + body
    except UnicodeEncodeError:  # httpx's verdict on such a header, unchanged
        return None
