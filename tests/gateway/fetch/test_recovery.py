"""Background probes of an open breaker: they back off to a bounded rate while the subgraph is
down, turn the breaker half-open at the first answer, and never run while it is closed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from common.resilience import BreakerBoard, BreakerPolicy, CircuitBreaker
from gateway.fetch.recovery import ProbePolicy, Recovery

PROBES = ProbePolicy(interval=0.5, max_interval=2.0, timeout=2.0)


class Clock:
    """The breakers' clock, moved on by the watchers' sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class Subgraph:
    """A probe target: down for its first ``failures`` probes, then up; records probe times."""

    def __init__(self, clock: Clock, failures: int = 10**9) -> None:
        self.clock, self.failures = clock, failures
        self.probed_at: list[float] = []
        self.in_flight = self.most_in_flight = 0

    async def probe(self) -> None:
        self.probed_at.append(self.clock.now)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)
            if len(self.probed_at) <= self.failures:
                raise ConnectionRefusedError("connection refused")
        finally:
            self.in_flight -= 1


def watched(subgraph: Subgraph, probes: ProbePolicy = PROBES,
            reset_seconds: float = 300) -> tuple[CircuitBreaker, Recovery]:
    board = BreakerBoard(lambda _: BreakerPolicy(failures=1, reset_seconds=reset_seconds),
                         subgraph.clock)
    recovery = Recovery(board, lambda _: probes, subgraph.clock.sleep)
    recovery.probe_with("payments", subgraph.probe)
    return board.get("payments"), recovery


async def run_until(condition: Callable[[], bool], clock: Clock, seconds: float) -> None:
    """Yield to the watchers until ``condition()`` or ``seconds`` passed on the fake clock
    (which moves only while a watcher sleeps: with none, a bounded number of yields)."""
    deadline = clock.now + seconds
    for _ in range(10_000):
        if clock.now >= deadline or condition():
            return
        await asyncio.sleep(0)


async def test_probes_of_a_subgraph_down_for_minutes_back_off_to_one_per_max_interval():
    clock = Clock()
    down = Subgraph(clock)
    subject, _ = watched(down)
    # given the breaker opened (a fetch failed) and the subgraph stays down
    subject.failure()
    opened = clock.now
    # when five minutes pass
    await run_until(lambda: False, clock, 300)
    # then the breaker is still open, probes went out one at a time, the waits grew from the
    # interval to the cap and stayed there, so five minutes cost at most one probe a second
    assert subject.state == "open"
    assert down.most_in_flight == 1
    assert 0.25 <= clock.waits[0] <= 0.5 and 0.5 <= clock.waits[1] <= 1.0
    assert all(1.0 <= wait <= 2.0 for wait in clock.waits[2:])
    assert 150 <= len(down.probed_at) <= 300 + 3
    assert down.probed_at[0] - opened <= 0.5


async def test_the_first_answering_probe_turns_the_breaker_half_open_for_the_next_fetch():
    clock = Clock()
    back = Subgraph(clock, failures=3)
    subject, _ = watched(back)
    # given the breaker opened and the subgraph answers from its fourth probe on
    subject.failure()
    opened = clock.now
    # when the probes run
    await run_until(lambda: subject.state != "open", clock, 60)
    # then the fourth probe turned it half-open, long before the 300 s reset time
    assert subject.state == "half_open" and len(back.probed_at) == 4
    assert clock.now - opened <= 0.5 + 1 + 2 + 2
    # and the next fetch goes through as the probe and closes it
    subject.check()
    subject.success()
    assert subject.state == "closed"
    # and no probe follows
    await run_until(lambda: False, clock, 10)
    assert len(back.probed_at) == 4


async def test_a_breaker_that_reopens_after_a_failed_half_open_fetch_waits_longer_each_time():
    clock = Clock()
    flapping = Subgraph(clock, failures=0)  # answers probes, but its fetches keep failing
    subject, _ = watched(flapping)
    subject.failure()
    for _ in range(4):
        await run_until(lambda: subject.state != "open", clock, 60)
        subject.check()
        subject.failure()  # the half-open fetch fails: open again
    await run_until(lambda: subject.state != "open", clock, 60)
    # each reopening doubled the wait before the next probe, up to the cap
    limits = (0.5, 1, 2, 2, 2)
    assert all(limit / 2 <= wait <= limit
               for wait, limit in zip(clock.waits, limits, strict=True)), clock.waits


async def test_a_breaker_closed_by_a_fetch_before_the_first_probe_is_not_probed():
    clock = Clock()
    subgraph = Subgraph(clock, failures=0)
    subject, _ = watched(subgraph, reset_seconds=0.1)
    subject.failure()
    # a fetch after the reset time closes the breaker before the watcher's first probe
    clock.now += 0.2
    subject.check()
    subject.success()
    await run_until(lambda: False, clock, 10)
    assert subgraph.probed_at == [] and subject.state == "closed"


async def test_an_interval_of_zero_turns_background_probes_off():
    clock = Clock()
    subgraph = Subgraph(clock, failures=0)
    subject, _ = watched(subgraph, ProbePolicy(interval=0))
    subject.failure()
    await run_until(lambda: False, clock, 30)
    assert subgraph.probed_at == [] and subject.state == "open"


async def test_a_probe_that_hangs_is_cut_at_its_timeout_and_the_next_one_goes_out():
    board = BreakerBoard(lambda _: BreakerPolicy(failures=1, reset_seconds=300))
    recovery = Recovery(board, lambda _: ProbePolicy(0.01, 0.02, timeout=0.05))
    calls: list[int] = []

    async def probe() -> None:
        calls.append(1)
        if len(calls) == 1:
            await asyncio.Event().wait()  # a subgraph that accepts and never answers

    recovery.probe_with("payments", probe)
    half_open = asyncio.Event()
    board.listeners.append(lambda _, state: state == "half_open" and half_open.set())
    subject = board.get("payments")
    subject.failure()
    async with asyncio.timeout(2):
        await half_open.wait()
    assert subject.state == "half_open" and len(calls) == 2
    await recovery.aclose()
