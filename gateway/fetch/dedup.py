"""Share one in-flight subgraph request between identical concurrent queries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable

__all__ = ["InFlight"]


class InFlight:
    """Callers with the same key while a request runs await that request instead of a new one.

    Only queries may be shared (a mutation must run once per client request). What is shared is
    the raw response body, so each caller parses its own copy and never sees another caller's
    merged data.
    """

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[bytes]] = {}

    async def run(self, key: Hashable, send: Callable[[], Awaitable[bytes]]) -> bytes:
        """Await the running request for ``key`` or start ``send()`` as it."""
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running)
        task = asyncio.ensure_future(send())
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))
        return await asyncio.shield(task)

    def __len__(self) -> int:
        return len(self._running)
