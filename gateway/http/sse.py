"""GraphQL over Server-Sent Events, "distinct connections" mode (what graphql-sse speaks).

https://github.com/enisdenjo/graphql-sse/blob/master/PROTOCOL.md: one request per operation with
``Accept: text/event-stream``; the answer is a ``text/event-stream`` of ``next`` events (one
execution result each) and a final ``complete`` event. A refused operation is a JSON error
response with its 4xx status; a stream that breaks sends its errors as a last ``next`` before
``complete``. Comment lines keep idle connections open through proxies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse

from gateway.http.streams import StreamEnd, with_heartbeats

__all__ = ["EVENT_STREAM", "sse_response", "wants_sse"]

EVENT_STREAM = "text/event-stream"
_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no", "connection": "keep-alive"}


def wants_sse(accept: str | None) -> bool:
    """True when the client asks for an event stream."""
    return EVENT_STREAM in (accept or "").lower()


def sse_response(results: AsyncIterator[dict[str, Any]], heartbeat: float) -> Response:
    """Stream ``results`` as ``next`` events, then ``complete``."""
    return StreamingResponse(_events(results, heartbeat), media_type=EVENT_STREAM,
                             headers=_HEADERS)


async def _events(results: AsyncIterator[dict[str, Any]], heartbeat: float) -> AsyncIterator[bytes]:
    yield b":\n\n"  # flushes the headers so the client knows the stream is open
    try:
        async for result in with_heartbeats(results, heartbeat):
            yield b":\n\n" if result is None else _event("next", result)
    except StreamEnd as end:
        yield _event("next", {"errors": end.errors})
    yield b"event: complete\ndata: \n\n"


def _event(name: str, body: dict[str, Any]) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(body) + b"\n\n"
