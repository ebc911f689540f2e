"""Single flight: callers with the same key while a piece of work runs share that one run.

The first caller with a key leads: its work runs in a task of its own (a copy of the leader's
context), so the leader going away (its request task cancelled) never cancels what the others
wait for. Followers wait on a future each; the work's value, or its exception, is handed to all
of them. What may be shared and what stays per request is the caller's
(``gateway.pipeline.share``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["Collapser", "Flight"]

log = logging.getLogger(__name__)

V = TypeVar("V")


class Flight(Generic[V]):
    """One execution and the requests waiting for it (the leader's future first)."""

    __slots__ = ("_collapser", "_key", "_waiters", "followers", "landed")

    def __init__(self, collapser: Collapser[V], key: Hashable, leader: asyncio.Future[V]) -> None:
        self._collapser = collapser
        self._key = key
        self._waiters = [leader]
        self.followers = 0
        self.landed = False

    def _join(self, waiter: asyncio.Future[V]) -> None:
        self._waiters.append(waiter)
        self.followers += 1

    def _land(self, value: V | None, error: BaseException | None) -> None:
        self.landed = True
        self._collapser._leave(self._key, self)
        for waiter in self._waiters:
            if waiter.done():  # its request was cancelled: nobody waits for it any more
                continue
            if error is None:
                waiter.set_result(value)  # type: ignore[arg-type]
            elif isinstance(error, asyncio.CancelledError):
                waiter.cancel()
            else:
                waiter.set_exception(error)


class Collapser(Generic[V]):
    """The flights in progress, by key."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, Flight[V]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        """Executions in flight (that still take followers)."""
        return len(self._flights)

    def waiting(self) -> int:
        """Followers waiting, over all flights."""
        return sum(flight.followers for flight in self._flights.values())

    async def run(self, key: Hashable,
                  work: Callable[[Flight[V]], Coroutine[Any, Any, V]]) -> V:
        """``work``'s value, from this caller's run or from the one in flight."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[V] = loop.create_future()
        flight = self._flights.get(key)
        if flight is not None:
            flight._join(waiter)
            return await waiter
        flight = Flight(self, key, waiter)
        self._flights[key] = flight
        task = loop.create_task(self._fly(flight, work))
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._done(done, flight))
        return await waiter

    def _done(self, task: asyncio.Task[None], flight: Flight[V]) -> None:
        self._tasks.discard(task)
        if not flight.landed:  # cancelled before it ever ran: its waiters must not hang
            flight._land(None, asyncio.CancelledError())

    async def _fly(self, flight: Flight[V],
                   work: Callable[[Flight[V]], Coroutine[Any, Any, V]]) -> None:
        try:
            value = await work(flight)
        except asyncio.CancelledError as cancelled:  # the server is shutting down
            flight._land(None, cancelled)
            raise
        except Exception as error:  # the work should answer errors itself; never lose waiters
            log.exception("collapsed request failed")
            flight._land(None, error)
        else:
            flight._land(value, None)

    def _leave(self, key: Hashable, flight: Flight[V]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]

    async def aclose(self) -> None:
        """Cancel the executions still in flight (shutdown)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
