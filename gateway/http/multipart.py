"""Apollo's multipart HTTP subscriptions (Apollo Client, Apollo iOS, Apollo Kotlin).

https://www.apollographql.com/docs/router/executing-operations/subscription-multipart-protocol:
a POST with ``Accept: multipart/mixed;subscriptionSpec=1.0`` is answered with
``multipart/mixed;boundary="graphql";subscriptionSpec=1.0``; each part is JSON: ``{}`` as a
heartbeat, ``{"payload": <execution result>}`` per event, and ``{"payload": null, "errors":
[...]}`` when the transport ends the stream abnormally (a subgraph that drops, a queue overflow).
The body ends with the closing boundary.

Incremental delivery (``@defer``) uses the same framing with ``Accept:
multipart/mixed;deferSpec=20220824`` (Apollo Client 3.7+/4, Apollo iOS, Apollo Kotlin) or
``multipart/mixed;incrementalSpec=v0.2`` (graphql-js 17 alpha 9, Apollo Client 4's
``GraphQL17Alpha9Handler``): each part is one payload as it is, no heartbeats.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse

from gateway.http.streams import StreamEnd, with_heartbeats

__all__ = ["deferred_multipart_response", "multipart_response", "wants_deferred_multipart",
           "wants_multipart"]

_CONTENT_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'
_DEFER_PART = b"\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"
_PART = b"--graphql\r\ncontent-type: application/json\r\n\r\n"
_END = b"--graphql--\r\n"


def wants_multipart(accept: str | None) -> bool:
    """True when the client accepts Apollo's multipart subscription responses."""
    for part in (accept or "").lower().split(","):
        media, _, params = part.strip().partition(";")
        if media.strip() == "multipart/mixed" and "subscriptionspec" in params:
            return True
    return False


def wants_deferred_multipart(accept: str | None) -> bool:
    """True when the client accepts incremental delivery as multipart parts (``deferSpec=
    20220824`` or ``incrementalSpec=v0.2``)."""
    accept = (accept or "").lower()
    if "multipart/mixed" not in accept:  # the common case, on every plain request: one scan
        return False
    return _incremental_spec(accept) is not None


def _incremental_spec(accept: str) -> str | None:
    """The incremental format a ``multipart/mixed`` entry asks for; a bare one (GraphiQL's
    fetcher, graphql-helix and Yoga clients send it) gets ``deferSpec=20220824``."""
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        params = params.replace(" ", "").replace('"', "")
        if media.strip() != "multipart/mixed" or "subscriptionspec" in params:
            continue
        if "incrementalspec=v0.2" in params:
            return "incrementalSpec=v0.2"
        if "deferspec=20220824" in params or "spec=" not in params:
            return "deferSpec=20220824"
    return None


def deferred_multipart_response(results: AsyncIterator[dict[str, Any]], heartbeat: float = 0.0,
                                accept: str = "") -> Response:
    """Stream ``results`` (the payloads of one operation) as multipart parts."""
    headers = {"cache-control": "no-cache", "x-accel-buffering": "no"}
    spec = _incremental_spec(accept.lower()) or "deferSpec=20220824"
    return StreamingResponse(_payloads(results), headers=headers,
                             media_type=f'multipart/mixed;boundary="graphql";{spec}')


async def _payloads(results: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    # Each chunk ends with the next delimiter, so a client can read a part as soon as it comes
    # (RFC 2046 §5.1.1: a part ends where the next delimiter starts), as Apollo Router writes.
    yield b"\r\n--graphql"
    try:
        async for result in results:
            yield _DEFER_PART + orjson.dumps(result) + b"\r\n--graphql"
    except StreamEnd as end:
        yield _DEFER_PART + orjson.dumps({"errors": end.errors, "hasNext": False}) \
            + b"\r\n--graphql"
    yield b"--\r\n"


def multipart_response(results: AsyncIterator[dict[str, Any]], heartbeat: float) -> Response:
    """Stream ``results`` as multipart parts, with heartbeats while idle."""
    headers = {"cache-control": "no-cache", "x-accel-buffering": "no"}
    return StreamingResponse(_parts(results, heartbeat), headers=headers,
                             media_type=_CONTENT_TYPE)


async def _parts(results: AsyncIterator[dict[str, Any]], heartbeat: float) -> AsyncIterator[bytes]:
    yield _part({})  # an immediate heartbeat: the client sees the stream is open
    try:
        async for result in with_heartbeats(results, heartbeat):
            yield _part({} if result is None else {"payload": result})
    except StreamEnd as end:
        yield _part({"payload": None, "errors": end.errors})
    yield _END


def _part(body: dict[str, Any]) -> bytes:
    return _PART + orjson.dumps(body) + b"\r\n"
