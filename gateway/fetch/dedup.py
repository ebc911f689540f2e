"""Share one in-flight subgraph request between identical concurrent queries.

What may be shared (the key): a query (never a mutation: the caller decides, see
``SubgraphPool.fetch``) to the same subgraph with the same request body (document, operation
name, variables, representations) and the same subgraph request headers, except the *neutral*
ones that cannot change an answer (``stale_cache.neutral_headers``: request id, trace context,
the client address). Authorization, cookies, forwarded claims or any other propagated header are
part of the key, so callers with different credentials never share. Followers of a shared request
are represented upstream by the first caller: the subgraph sees its ``x-request-id`` and trace
context only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping

__all__ = ["InFlight"]


class _LeaderGone(Exception):
    """The caller that sent the shared request was cancelled before its answer."""


class _Flight:
    __slots__ = ("followers",)

    def __init__(self) -> None:
        self.followers: list[asyncio.Future[bytes]] = []


class InFlight:
    """Callers with the same key while a request runs await that request instead of a new one.

    Only queries may be shared (a mutation must run once per client request). What is shared is
    the raw response body, so each caller parses its own copy and never sees another caller's
    merged data.

    The first caller sends in its own task (no extra task per request: this runs for every
    subgraph fetch); later callers wait for its answer. If that first caller is cancelled, they
    do not inherit the cancellation: one of them sends again.
    """

    def __init__(self, neutral_headers: Iterable[str] = ()) -> None:
        self._running: dict[Hashable, _Flight] = {}
        self.neutral = frozenset(name.lower() for name in neutral_headers)

    def key(self, subgraph: str, body: bytes, headers: Mapping[str, str]) -> Hashable:
        """What two requests must share to share an answer: all but the neutral headers."""
        neutral = self.neutral
        return (subgraph, body, tuple(sorted(
            (name.lower(), value) for name, value in headers.items()
            if name.lower() not in neutral)))

    async def run(self, key: Hashable, send: Callable[[], Awaitable[bytes]]) -> bytes:
        """Await the running request for ``key`` or send ``send()`` as it."""
        while (flight := self._running.get(key)) is not None:
            waiter: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
            flight.followers.append(waiter)
            try:
                return await waiter
            except _LeaderGone:
                continue
        flight = self._running[key] = _Flight()
        try:
            body = await send()
        except asyncio.CancelledError:
            self._finish(key, flight, None, _LeaderGone())
            raise
        except BaseException as error:
            self._finish(key, flight, None, error)
            raise
        if flight.followers:
            self._finish(key, flight, body, None)
        else:
            del self._running[key]
        return body

    def _finish(
        self, key: Hashable, flight: _Flight, body: bytes | None, error: BaseException | None
    ) -> None:
        if self._running.get(key) is flight:
            del self._running[key]
        for waiter in flight.followers:
            if waiter.done():  # a follower cancelled meanwhile
                continue
            if error is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(body)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._running)
