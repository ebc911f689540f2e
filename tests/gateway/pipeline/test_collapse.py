"""The single-flight machinery under request collapsing (gateway/pipeline/collapse.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gateway.pipeline.collapse import Collapser, Flight


class Work:
    """Work that waits for ``release``; counts how often it ran."""

    def __init__(self, value: Any = "answer") -> None:
        self.runs = 0
        self.release = asyncio.Event()
        self.value = value

    async def __call__(self, flight: Flight[Any]) -> Any:
        self.runs += 1
        await self.release.wait()
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


async def _started(collapser: Collapser[Any], work: Work, key: str, count: int
                   ) -> list[asyncio.Task[Any]]:
    tasks = [asyncio.create_task(collapser.run(key, work)) for _ in range(count)]
    await asyncio.sleep(0)  # every task has joined (or led) its flight
    return tasks


async def test_waiters_of_one_key_share_one_run_and_other_keys_run_apart():
    collapser: Collapser[Any] = Collapser()
    work = Work()
    tasks = await _started(collapser, work, "a", 5) + await _started(collapser, work, "b", 2)
    assert collapser.waiting() == 5
    work.release.set()
    assert await asyncio.gather(*tasks) == ["answer"] * 7
    assert work.runs == 2
    assert len(collapser) == 0


async def test_an_exception_of_the_work_reaches_every_waiter_and_none_hangs():
    collapser: Collapser[Any] = Collapser()
    work = Work(RuntimeError("subgraph exploded"))
    tasks = await _started(collapser, work, "a", 3)
    work.release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [str(r) for r in results] == ["subgraph exploded"] * 3


async def test_a_cancelled_waiter_leaves_the_run_and_the_others_alone():
    collapser: Collapser[Any] = Collapser()
    work = Work()
    leader, follower, other = await _started(collapser, work, "a", 3)
    leader.cancel()
    follower.cancel()
    work.release.set()
    assert await other == "answer"
    with pytest.raises(asyncio.CancelledError):
        await leader
    assert work.runs == 1


async def test_aclose_cancels_the_runs_in_flight_and_their_waiters():
    collapser: Collapser[Any] = Collapser()
    tasks = await _started(collapser, Work(), "a", 2)
    await collapser.aclose()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
