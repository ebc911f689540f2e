"""A background sweep run every few seconds between an app's start and stop hooks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

__all__ = ["PeriodicSweep"]


class PeriodicSweep(ABC):
    """Every ``interval`` seconds, run ``sweep()``; a round that raises is logged and retried
    at the next one. ``start``/``stop`` are the app's lifecycle hooks."""

    def __init__(self, interval: float, *, name: str, log: logging.Logger, failure: str) -> None:
        self.interval = interval  # read each round, so tests may shorten it on a live sweep
        self.rounds = 0  # rounds completed since start
        self.failures = 0  # rounds that raised since start
        self._name, self._log, self._failure = name, log, failure
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def sweep(self) -> int:
        """One round of work now; returns how many items it handled."""

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        self._stopping.set()
        task, self._task = self._task, None
        if task is not None:
            await asyncio.wait([task], timeout=10)
            task.cancel()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.sweep()
                self.rounds += 1
            except Exception:  # a database hiccup: try again next round
                self.failures += 1
                self._log.exception(self._failure)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
