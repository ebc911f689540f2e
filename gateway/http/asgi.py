"""The gateway's ASGI application: Starlette for everything, plus a direct path for the request
that dominates traffic.

``POST /graphql`` and ``GET /graphql`` (queries in the query string, hash-only persisted
queries) that ask for no stream skip Starlette's middleware, router, ``Request`` and ``Response``
objects: the headers are decoded once (the first of a repeated header counts, as in Starlette's
``Headers``), the body read straight from ``receive``, and the answer (``endpoint.Reply``) sent
as two ASGI messages with what the middleware would have added: ``x-request-id``, the CORS
headers (the same ``CORSMiddleware`` policy decides), gzip for large bodies when the client
accepts it. CSRF, queries-only for GET (405), APQ and media types are the endpoint's, on both
paths. A GET accepting ``text/html`` (a browser: perhaps GraphiQL), HEAD, streams, WebSocket,
health and CORS preflights go through Starlette with pure-ASGI middleware: request ids, CORS,
gzip (outermost first). Middleware someone adds with ``add_middleware`` turns the direct path
off, so it then sees every request. With tracing on, both paths run inside the request's
OpenTelemetry server span (``trace_requests``); with it off they pay one attribute test.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from common.telemetry.server_span import ServerSpans
from gateway.http.endpoint import GraphQLEndpoint, Reply
from gateway.http.errors import HttpError
from gateway.http.multipart import wants_deferred_multipart, wants_multipart
from gateway.http.request_id import RequestIdMiddleware, new_request_id, sane_request_id
from gateway.http.sse import wants_sse
from gateway.plugins.request_id import REQUEST_ID

__all__ = ["GZIP_LEVEL", "GZIP_MINIMUM", "GatewayApp"]

log = logging.getLogger(__name__)

GZIP_MINIMUM = 1000  # bytes; smaller bodies gain little and cost a compression each
GZIP_LEVEL = 6  # zlib's default: level 9 costs about twice the CPU for 1-3% smaller JSON
_THREAD_MINIMUM = 128 * 1024  # compress larger bodies off the event loop (as Starlette does)
_DIRECT_METHODS = ("POST", "GET")  # HEAD (rare) stays with Starlette
_INTERNAL_ERROR = Reply(500, b"Internal Server Error", "text/plain; charset=utf-8")


class GatewayApp(Starlette):
    """Starlette plus the direct ``POST``/``GET /graphql`` path (see the module docstring)."""

    def __init__(self, endpoint: GraphQLEndpoint, **starlette: Any) -> None:
        super().__init__(**starlette)
        self.endpoint = endpoint
        self._cors_options: dict[str, Any] | None = None
        self._cors: CORSMiddleware | None = None
        self._compression = False
        self._spans: ServerSpans | None = None

    def trace_requests(self, spans: ServerSpans) -> None:
        """Serve every request and WebSocket inside a server span continuing its traceparent."""
        self._spans = spans

    def install_edge(self, cors: dict[str, Any] | None, compression: bool) -> None:
        """CORS (``CORSMiddleware`` keyword arguments; None: off) and gzip, on both paths."""
        self._cors_options = cors
        self._cors = None if cors is None else CORSMiddleware(_no_app, **cors)
        self._compression = compression
        self.middleware_stack = None  # rebuilt with them on the next request

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        if self._compression:
            # Streams stay uncompressed: each event must leave at once (SSE is excluded already).
            app = GZipMiddleware(app, minimum_size=GZIP_MINIMUM, compresslevel=GZIP_LEVEL,
                                 exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES,
                                                        "multipart/mixed"))
        if self._cors_options is not None:
            app = CORSMiddleware(app, **self._cors_options)
        return RequestIdMiddleware(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._spans is None:
            await self._route(scope, receive, send)
        else:
            await self._spans.serve(self._route, scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["path"] == "/graphql" and not self.user_middleware
                and (method := scope["method"]) in _DIRECT_METHODS):
            raw = scope["headers"]
            if not isinstance(raw, list):  # ASGI allows any iterable
                raw = list(raw)
            # reversed: the first of a repeated header wins, as in Starlette's Headers
            headers = {name.decode("latin-1"): value.decode("latin-1")
                       for name, value in reversed(raw)}
            accept = headers.get("accept")
            if not (accept and (wants_sse(accept) or wants_multipart(accept)
                                or wants_deferred_multipart(accept)
                                or (method == "GET" and "text/html" in accept.lower()))):
                await self._direct(scope, receive, send, headers, method)
                return
        await super().__call__(scope, receive, send)

    async def _direct(self, scope: Scope, receive: Receive, send: Send,
                      headers: dict[str, str], method: str) -> None:
        request_id = sane_request_id(headers.get("x-request-id")) or new_request_id()
        token = REQUEST_ID.set(request_id)
        try:
            client = scope.get("client")
            reader = _BodyReader(receive, headers)
            query_string = scope.get("query_string", b"") if method == "GET" else b""
            reply = await self.endpoint.answer(method, headers, client[0] if client else None,
                                               query_string, reader.read)
        except ClientDisconnect:
            return  # nobody to answer
        except Exception:  # a bug: 500 without details, as Starlette's ServerErrorMiddleware
            log.exception("request failed")
            reply = _INTERNAL_ERROR
        finally:
            REQUEST_ID.reset(token)
        await self._send(scope, send, headers, reply, request_id)

    async def _send(self, scope: Scope, send: Send, headers: dict[str, str], reply: Reply,
                    request_id: str) -> None:
        body = reply.body
        raw = [(b"content-type", reply.content_type.encode("latin-1"))]
        raw += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
        if self._compression and len(body) >= GZIP_MINIMUM:
            raw.append((b"vary", b"Accept-Encoding"))
            if "gzip" in headers.get("accept-encoding", ""):
                body = await _gzipped(reply)
                raw.append((b"content-encoding", b"gzip"))
        raw.append((b"content-length", str(len(body)).encode()))
        raw.append((b"x-request-id", request_id.encode()))
        start = {"type": "http.response.start", "status": reply.status, "headers": raw}
        if self._cors is None:
            await send(start)
        else:  # the CORS policy adds its headers exactly as the middleware would
            await self._cors.send(start, send, Headers(scope=scope))
        await send({"type": "http.response.body", "body": body})


def _gzip(body: bytes) -> bytes:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()


async def _gzipped(reply: Reply) -> bytes:
    if len(reply.body) >= _THREAD_MINIMUM:  # compressing it inline would block the event loop
        return await asyncio.to_thread(reply.gzipped, _gzip)
    return reply.gzipped(_gzip)


class _BodyReader:
    """Reads the request body from ``receive`` (ClientDisconnect when the client went away)."""

    __slots__ = ("headers", "receive")

    def __init__(self, receive: Receive, headers: dict[str, str]) -> None:
        self.receive = receive
        self.headers = headers

    async def read(self, limit: int) -> bytes:
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise HttpError(413, f"Request body is larger than {limit} bytes.")
        parts: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise HttpError(413, f"Request body is larger than {limit} bytes.")
            if not message.get("more_body", False):
                if not parts:
                    return chunk
                parts.append(chunk)
                return b"".join(parts)
            parts.append(chunk)


async def _no_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("the CORS policy object serves no requests")


def cors_options(allow_origins: Sequence[str], allow_credentials: bool,
                 allow_headers: Sequence[str], max_age: int) -> dict[str, Any]:
    """The ``CORSMiddleware`` arguments of the gateway's CORS policy."""
    return {"allow_origins": list(allow_origins), "allow_credentials": allow_credentials,
            "allow_methods": ["GET", "POST", "OPTIONS"], "allow_headers": list(allow_headers),
            "expose_headers": ["x-request-id", "retry-after"], "max_age": max_age}
