"""Open subscriptions across a supergraph reload: keep those planned the same, end the rest.

The gateway swaps its pipeline on reload; a subscription keeps the pipeline it started on. This
registry notices the swap (it compares the gateway's pipeline each ``interval`` seconds while
subscriptions are open) and prepares every open subscription again on the new pipeline: one whose
operation is still valid and plans to the same query plan keeps running untouched; any other is
ended with ``SUBSCRIPTION_SCHEMA_RELOAD`` so its client resubscribes (and gets the new schema).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from gateway.pipeline import Pipeline, RequestError, Started, begin

__all__ = ["RELOAD_ERRORS", "LiveSubscriptions"]

RELOAD_ERRORS = [{
    "message": "The gateway's schema changed and this subscription no longer plans the same; "
               "subscribe again.",
    "extensions": {"code": "SUBSCRIPTION_SCHEMA_RELOAD"},
}]


class LiveSubscriptions:
    """The open subscriptions of one gateway process and the pipeline they were checked against."""

    def __init__(self, current: Callable[[], Any], interval: float = 1.0) -> None:
        self.current = current  # the gateway's pipeline now
        self.interval = interval
        self._open: dict[asyncio.Future[None], Started] = {}
        self._checked: Any = None
        self._watcher: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def track(self, started: Started):  # type: ignore[no-untyped-def]
        """Register ``started``; the future it yields resolves when a reload ends it."""
        ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._open[ended] = started
        if self._watcher is None or self._watcher.done():
            self._checked = self.current()
            self._watcher = asyncio.create_task(self._watch())
        try:
            yield ended
        finally:
            self._open.pop(ended, None)

    async def _watch(self) -> None:
        while self._open:
            await asyncio.sleep(self.interval)
            pipeline = self.current()
            if pipeline is not self._checked:
                self._checked = pipeline
                await self.reloaded(pipeline)

    async def reloaded(self, pipeline: Pipeline) -> None:
        """Keep or end every open subscription against ``pipeline`` (see the module docstring)."""
        for ended, started in list(self._open.items()):
            if not ended.done() and not await _plans_the_same(started, pipeline):
                ended.set_result(None)


async def _plans_the_same(started: Started, pipeline: Pipeline) -> bool:
    try:
        again = await begin(pipeline, started.request)
    except RequestError:
        return False
    return again.prepared.plan == started.prepared.plan
