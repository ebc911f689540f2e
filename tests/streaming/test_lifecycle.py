"""Running workers beside a service: stop on exit, cancel after the grace period, log crashes."""

from __future__ import annotations

import asyncio
import logging

import pytest

from streaming.lifecycle import running


class Worker:
    """Runs until stopped; ``stubborn`` ignores stop(), ``broken`` crashes at once."""

    def __init__(self, *, stubborn: bool = False, broken: bool = False) -> None:
        self.stubborn, self.broken = stubborn, broken
        self.stopping = asyncio.Event()
        self.cancelled = self.finished = False

    async def run(self) -> None:
        if self.broken:
            raise RuntimeError("boom")
        try:
            await (asyncio.sleep(3600) if self.stubborn else self.stopping.wait())
            self.finished = True
        except asyncio.CancelledError:
            self.cancelled = True
            raise

    def stop(self) -> None:
        self.stopping.set()


async def test_workers_run_inside_the_block_and_stop_cleanly_on_exit():
    worker = Worker()

    async with running(worker) as tasks:
        await asyncio.sleep(0.01)
        assert not tasks[0].done()

    assert worker.finished and not worker.cancelled


async def test_a_worker_ignoring_stop_is_cancelled_after_the_grace_period():
    worker = Worker(stubborn=True)

    async with running(worker, grace=0.05):
        await asyncio.sleep(0.01)

    assert worker.cancelled


async def test_a_crashed_worker_is_logged_not_lost(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.ERROR)

    async with running(Worker(broken=True), Worker()):
        await asyncio.sleep(0.01)

    assert "worker Worker crashed" in caplog.text and "boom" in caplog.text
