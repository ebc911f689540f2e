"""A periodic sweep runs at its interval, survives a failing round, and stops when asked."""

from __future__ import annotations

import logging
import time

import pytest

from subgraphs.kit.periodic import PeriodicSweep
from tests.streaming.harness import eventually

log = logging.getLogger("tests.periodic")


class Counting(PeriodicSweep):
    """Counts its rounds; the rounds listed in ``failing`` raise."""

    def __init__(self, interval: float, failing: tuple[int, ...] = ()) -> None:
        super().__init__(interval, name="counting", log=log, failure="counting sweep failed")
        self.calls, self.failing = 0, failing

    async def sweep(self) -> int:
        self.calls += 1
        if self.calls in self.failing:
            raise RuntimeError("database hiccup")
        return 1


async def test_the_sweep_runs_by_itself_until_stopped() -> None:
    sweep = Counting(interval=0.01)
    await sweep.start()
    await eventually(lambda: sweep.rounds >= 3, within=5)
    started = time.monotonic()
    await sweep.stop()
    calls = sweep.calls
    assert time.monotonic() - started < 5  # the wait between rounds ends at once
    assert sweep.calls == calls and sweep.failures == 0


async def test_a_failing_round_is_logged_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sweep = Counting(interval=0.01, failing=(1,))
    with caplog.at_level(logging.ERROR, logger="tests.periodic"):
        await sweep.start()
        await eventually(lambda: sweep.rounds >= 1, within=5)
        await sweep.stop()
    assert sweep.failures == 1
    assert [r.message for r in caplog.records] == ["counting sweep failed"]


async def test_stopping_a_sweep_never_started_does_nothing() -> None:
    await Counting(interval=1).stop()
