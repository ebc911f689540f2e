"""Subgraph subscription streams: deduplicated, multiplexed, fanned out to bounded queues.

Identical upstream subscriptions (same subgraph, request and identity: the propagated headers,
a verified token counting as its principal, see ``gateway.fetch.identity``) share one upstream
stream; each client subscription reads it through its own ``Listener``, a queue of at
most ``queue_size`` events. A listener that falls that far behind is ended with
``SUBSCRIPTION_QUEUE_OVERFLOW`` instead of buffering without bound or silently losing status
changes. Streams with the same identity share sockets up to ``per_socket`` streams each
(Strawberry accepts about 100 per connection); the last listener leaving completes the upstream
stream. Per-request tracing headers (``x-request-id``, ``traceparent``, ...) do not tell
subscribers apart: the first subscriber's values travel upstream (and the newest subscriber's
token when the stream is subscribed again: the oldest may have expired).

An idle socket lingers ``linger_seconds`` (0: closes at once) for the next subscription of its
identity (a user who followed one order follows the next), saving the subgraph a WebSocket
handshake and ``connection_init`` with its token check. The subgraph judged the token sent at
``connection_init`` once, so a socket takes new streams only until that token expires (its
``exp``, less ``EXPIRY_MARGIN_SECONDS``), and an idle one only for a subscriber holding that very
token: another token of the identity (the newest) closes it and opens a socket of its own.

When a subgraph's socket drops (a restart, a redeploy), the hub subscribes again on a new socket
for up to ``resume_seconds`` while the listeners keep waiting: their client streams go on, and
what the subgraph sends first on the new subscription (for ``orderStatusChanged`` the order as it
is now) covers a change made during the gap. Only after that window do the listeners end with
``SUBGRAPH_STREAM_CLOSED``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import math
from collections.abc import AsyncIterator, Callable, Hashable, Mapping
from typing import Any

import orjson

from gateway.fetch.credentials import SubgraphCredentials
from gateway.fetch.errors import SubgraphFetchError
from gateway.fetch.identity import Verified, identity_of
from gateway.fetch.ws import UpstreamSocket
from gateway.metrics import UPSTREAM_EVENTS, UPSTREAM_RESUMES

__all__ = ["EXPIRY_MARGIN_SECONDS", "Listener", "SharedEvent", "StreamError", "SubscriptionHub",
           "identity_of", "token_expiry"]

# A socket stops taking streams this long before its token's ``exp``: a subscribe sent just
# before would reach the subgraph after it.
EXPIRY_MARGIN_SECONDS = 1.0


class SharedEvent(dict):  # type: ignore[type-arg]
    """One upstream event as every listener of its stream receives it (the same object), with
    ``completions``: what the executor already made of it for one (operation, variables,
    identity), so subscribers that would complete it identically share one completion."""

    __slots__ = ("completions",)

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload)
        self.completions: dict[Hashable, Any] = {}


class StreamError(Exception):
    """The subgraph answered a subscription with an ``error`` message (GraphQL errors)."""

    def __init__(self, subgraph: str, errors: Any) -> None:
        super().__init__(f"subgraph '{subgraph}' refused the subscription")
        self.subgraph = subgraph
        self.errors = errors


class Listener:
    """One client subscription's view of a shared upstream stream (a bounded queue)."""

    def __init__(self, subgraph: str, capacity: int) -> None:
        self.subgraph = subgraph
        self.capacity = capacity
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.ended = False

    def push(self, kind: str, payload: Any) -> None:
        if self.ended:
            return
        if kind == "next" and self._queue.qsize() >= self.capacity:
            kind, payload = "closed", SubgraphFetchError(
                self.subgraph, "The subscriber did not keep up with its events; the "
                "subscription was ended.", "SUBSCRIPTION_QUEUE_OVERFLOW")
        self.ended = kind != "next"
        self._queue.put_nowait((kind, payload))

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._events()

    async def _events(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            kind, payload = await self._queue.get()
            if kind == "next":
                yield payload if isinstance(payload, dict) else {}
            elif kind == "complete":
                return
            elif kind == "error":
                raise StreamError(self.subgraph, payload)
            else:
                raise payload


class _Shared:
    """One upstream stream and the listeners it feeds."""

    def __init__(self, key: Hashable, socket: UpstreamSocket, request: dict[str, Any],
                 headers: dict[str, str], identity: Hashable) -> None:
        self.key = key
        self.socket = socket
        self.request, self.headers, self.identity = request, headers, identity
        self.stream_id = ""
        self.listeners: set[Listener] = set()
        self.done = False
        self.on_lost: Callable[[_Shared, SubgraphFetchError], bool] = lambda *_: False
        self.resuming: asyncio.Task[None] | None = None

    def sink(self, kind: str, payload: Any) -> None:
        if kind == "closed" and not self.done and self.on_lost(self, payload):
            return  # the hub subscribes again; the listeners keep waiting
        self.done = self.done or kind != "next"
        if kind == "next":
            UPSTREAM_EVENTS.labels(self.socket.subgraph).inc()
            if isinstance(payload, dict):
                payload = SharedEvent(payload)
        for listener in list(self.listeners):
            listener.push(kind, payload)


class SubscriptionHub:
    """Every subgraph subscription of one gateway process (see the module docstring)."""

    def __init__(self, urls: Mapping[str, str], *, per_socket: int = 100, queue_size: int = 32,
                 timeout: float = 10.0, credentials: SubgraphCredentials | None = None,
                 resume_seconds: float = 0.0, linger_seconds: float = 0.0) -> None:
        self.urls = dict(urls)
        self.resume_seconds = resume_seconds
        self.linger_seconds = linger_seconds
        self.credentials = credentials
        self.per_socket = per_socket
        self.queue_size = queue_size
        self.timeout = timeout
        self._shared: dict[Hashable, _Shared] = {}
        self._sockets: dict[Hashable, list[UpstreamSocket]] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}  # per stream key: joins never queue
        self.upstream_started = 0  # upstream subscribe messages really sent (after dedup)
        self.upstream_resumed = 0  # streams subscribed again after their socket dropped
        self._closing = False

    @property
    def upstream_streams(self) -> int:
        return sum(1 for shared in self._shared.values() if not shared.done)

    @property
    def listening(self) -> int:
        """Client subscriptions reading an upstream stream now."""
        return sum(len(shared.listeners) for shared in self._shared.values())

    @contextlib.asynccontextmanager
    async def stream(
        self, subgraph: str, request: dict[str, Any], headers: dict[str, str],
        principal: Verified | None = None,
    ) -> AsyncIterator[Listener]:
        """A listener on the (shared) upstream stream of ``request``; left on exit.
        ``principal``: the client's verified token and what it stands for."""
        listener = Listener(subgraph, self.queue_size)
        shared = await self._join(subgraph, request, headers, principal, listener)
        try:
            yield listener
        finally:
            await self._leave(shared, listener)

    async def _join(self, subgraph: str, request: dict[str, Any], headers: dict[str, str],
                    principal: Verified | None, listener: Listener) -> _Shared:
        body = orjson.dumps(request, option=orjson.OPT_SORT_KEYS)
        identity = identity_of(headers, principal)
        key = (subgraph, body, identity)
        async with self._locks.setdefault(key, asyncio.Lock()):
            shared = self._shared.get(key)
            if shared is None or shared.done:
                shared = await self._start(key, subgraph, request, headers, identity)
            else:
                shared.headers = headers  # the newest token resubscribes (the first may expire)
            shared.listeners.add(listener)
        return shared

    async def _start(self, key: Hashable, subgraph: str, request: dict[str, Any],
                     headers: dict[str, str], identity: Hashable) -> _Shared:
        socket = await self._socket(subgraph, headers, identity)
        shared = _Shared(key, socket, request, headers, identity)
        shared.on_lost = self._lost
        try:
            shared.stream_id = await socket.subscribe(request, shared.sink)
        except SubgraphFetchError:  # a lingering socket dropped before its reader saw it
            shared.socket = socket = await self._socket(subgraph, headers, identity)
            shared.stream_id = await socket.subscribe(request, shared.sink)
        self._shared[key] = shared
        self.upstream_started += 1
        return shared

    async def _socket(self, subgraph: str, headers: dict[str, str], identity: Hashable
                      ) -> UpstreamSocket:
        key = (subgraph, identity)
        token = _authorization(headers)
        for socket in list(self._sockets.get(key, ())):
            if socket.free <= 0:
                continue
            if socket.idle and socket.token != token:
                socket.retire()  # a lingering socket serves its own token, the newest, only
                continue
            return socket
        url = self.urls.get(subgraph)
        if url is None:
            raise SubgraphFetchError(subgraph, f"no URL configured for subgraph '{subgraph}'")
        until = token_expiry(token) - EXPIRY_MARGIN_SECONDS
        if self.credentials is not None:  # checked on the upgrade; not part of the socket's key
            headers = {**headers, **self.credentials.headers_for(subgraph)}
        socket = await UpstreamSocket.open(subgraph, url, headers, self.per_socket, self.timeout,
                                           0.0 if self._closing else self.linger_seconds, until)
        socket.token = token
        socket.on_close = lambda closed: self._discard(key, closed)
        self._sockets.setdefault(key, []).append(socket)  # anew: emptied meanwhile, it went
        return socket

    def _discard(self, key: Hashable, socket: UpstreamSocket) -> None:
        sockets = self._sockets.get(key, [])
        if socket in sockets:
            sockets.remove(socket)
        if not sockets:
            self._sockets.pop(key, None)  # one entry per identity would pile up otherwise

    def _lost(self, shared: _Shared, error: SubgraphFetchError) -> bool:
        """The socket under ``shared`` dropped: resume it in the background (True) unless
        resuming is off or already running."""
        if self._closing or self.resume_seconds <= 0 or (
                shared.resuming and not shared.resuming.done()):
            return False
        shared.resuming = asyncio.create_task(self._resume(shared, error))
        return True

    async def _resume(self, shared: _Shared, error: SubgraphFetchError) -> None:
        subgraph = shared.socket.subgraph
        loop, delay = asyncio.get_running_loop(), 0.05
        deadline = loop.time() + self.resume_seconds
        while shared.listeners and loop.time() < deadline:
            await asyncio.sleep(min(delay, max(deadline - loop.time(), 0)))
            delay = min(delay * 2, 2.0)
            try:
                socket = await self._socket(subgraph, shared.headers, shared.identity)
                stream_id = await socket.subscribe(shared.request, shared.sink)
            except SubgraphFetchError:  # still down: the client is told the drop, not this
                continue
            shared.socket, shared.stream_id = socket, stream_id
            self.upstream_resumed += 1
            UPSTREAM_RESUMES.labels(subgraph).inc()
            if not shared.listeners:  # everyone left meanwhile
                await socket.complete(stream_id)
            return
        shared.done = True
        for listener in list(shared.listeners):
            listener.push("closed", error)

    async def _leave(self, shared: _Shared, listener: Listener) -> None:
        lock = self._locks.setdefault(shared.key, asyncio.Lock())
        async with lock:
            shared.listeners.discard(listener)
            if shared.listeners:
                return
            if self._shared.get(shared.key) is shared:
                del self._shared[shared.key]
        if self._locks.get(shared.key) is lock and not lock.locked():
            del self._locks[shared.key]
        if not shared.done:
            await shared.socket.complete(shared.stream_id)

    def stop_lingering(self) -> None:
        """Close idle sockets now and the others when their last stream ends (a supergraph
        reload replaced this hub: no new subscription comes to it)."""
        self.linger_seconds = 0.0
        for group in list(self._sockets.values()):
            for socket in list(group):
                socket.linger = 0.0
                if socket.idle:
                    socket.retire()

    async def aclose(self) -> None:
        """Close every upstream socket (their listeners end with an error)."""
        self._closing = True  # the sockets' listeners end now, nothing is resumed
        sockets = [s for group in self._sockets.values() for s in group]
        for shared in self._shared.values():
            if shared.resuming is not None:
                shared.resuming.cancel()
        self._sockets, self._shared = {}, {}
        await asyncio.gather(*(socket.aclose() for socket in sockets))  # at once: shutdown is quick


def _authorization(headers: Mapping[str, str]) -> str | None:
    for name, value in headers.items():
        if name.lower() == "authorization":
            return value
    return None


def token_expiry(authorization: str | None) -> float:
    """The ``exp`` (epoch seconds) of a bearer JWT, read without verifying it: whoever
    judges the token (the gateway, the subgraph) already did; inf when there is none to read
    (no token, an opaque one)."""
    scheme, _, token = (authorization or "").partition(" ")
    parts = token.split(".")
    if scheme.lower() != "bearer" or len(parts) != 3:
        return math.inf
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):  # orjson.JSONDecodeError is a ValueError
        return math.inf
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else math.inf
