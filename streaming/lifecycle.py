"""Running relays and consumers beside a service, and stopping them cleanly (SIGTERM, lifespan)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from typing import Protocol

__all__ = ["Worker", "run_until_signalled", "running"]

log = logging.getLogger(__name__)


class Worker(Protocol):
    """Anything with ``run()`` until ``stop()``: :class:`OutboxRelay`, :class:`EventConsumer`."""

    async def run(self) -> None: ...

    def stop(self) -> None: ...


@contextlib.asynccontextmanager
async def running(*workers: Worker, grace: float = 10.0) -> AsyncIterator[list[asyncio.Task]]:
    """Run ``workers`` as tasks for the body of the block (e.g. a FastAPI lifespan).

    On exit each is asked to stop, given ``grace`` seconds to finish its current record, then
    cancelled; a worker that crashed is logged, never silently lost.
    """
    tasks = [asyncio.create_task(w.run(), name=type(w).__name__) for w in workers]
    try:
        yield tasks
    finally:
        for worker in workers:
            worker.stop()
        done, pending = await asyncio.wait(tasks, timeout=grace) if tasks else (set(), set())
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error("worker %s crashed", task.get_name(), exc_info=task.exception())


async def run_until_signalled(*workers: Worker, grace: float = 10.0) -> None:
    """Run ``workers`` in the foreground until SIGTERM or SIGINT, or until one of them ends."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running(*workers, grace=grace) as tasks:
            waiter = asyncio.create_task(stop.wait())
            await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
