"""Key-ordered concurrency: work of one key strictly in order, of different keys at once.

A consumer hands every record to the lane of its (partition, key); each lane runs its items one
after another, and a shared limit bounds how many lanes work at the same time. A lane exists only
while it has work, so the number of keys seen costs nothing once they are idle.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["KeyLanes"]

T = TypeVar("T")


class KeyLanes(Generic[T]):
    """Runs ``work(item)`` for submitted items: per key in submission order, across keys
    concurrently, at most ``limit`` at a time."""

    def __init__(self, work: Callable[[T], Awaitable[None]], limit: int) -> None:
        self._work = work
        self._slots = asyncio.Semaphore(limit)
        self._lanes: dict[Hashable, deque[T]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()
        self.pending = 0  # items submitted and not finished
        self.failure: BaseException | None = None  # work raised: the owner re-raises it

    def submit(self, key: Hashable, item: T) -> None:
        """Queue ``item`` behind the earlier items of ``key``."""
        self.pending += 1
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = deque()
            task = asyncio.create_task(self._drain(key, lane))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        lane.append(item)

    async def changed(self, within: float) -> None:
        """Return when an item finished, or after ``within`` seconds."""
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), within)

    async def join(self) -> None:
        """Wait until every submitted item is finished."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def cancel(self) -> None:
        """Cancel the work in progress and drop what is queued."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _drain(self, key: Hashable, lane: deque[T]) -> None:
        try:
            while lane:
                async with self._slots:
                    await self._work(lane[0])
                lane.popleft()
                self._finished(1)
        except Exception as exc:  # a bug in the owner's work: stop this lane, tell the owner
            self.failure = exc
        finally:
            self._finished(len(lane))
            del self._lanes[key]

    def _finished(self, count: int) -> None:
        self.pending -= count
        self._changed.set()
