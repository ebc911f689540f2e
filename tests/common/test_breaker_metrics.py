"""A circuit breaker's state is visible to an operator: the exported board keeps
``circuit_breaker_state`` (0 closed, 1 half-open, 2 open) and ``circuit_breaker_opened_total``
per dependency as its breakers change state."""

from __future__ import annotations

import uuid

from prometheus_client import REGISTRY

from common.resilience import BreakerBoard, BreakerPolicy
from common.telemetry.breakers import export_breakers


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def state(name: str) -> float | None:
    return REGISTRY.get_sample_value("circuit_breaker_state", {"dependency": name})


def opened(name: str) -> float | None:
    return REGISTRY.get_sample_value("circuit_breaker_opened_total", {"dependency": name})


def test_an_exported_breaker_shows_open_half_open_and_closed_and_counts_its_openings():
    clock, name = Clock(), f"stripe-{uuid.uuid4().hex[:8]}"
    board = export_breakers(BreakerBoard(lambda _: BreakerPolicy(failures=2, reset_seconds=5),
                                         clock=clock))
    breaker = board.get(name)
    assert state(name) is None  # nothing to say before its first change
    breaker.failure()
    breaker.failure()
    assert (state(name), opened(name)) == (2.0, 1.0)
    clock.now = 6.0
    breaker.check()  # past the reset time: this call is the probe
    assert state(name) == 1.0
    breaker.failure()  # the probe failed: open again, counted again
    assert (state(name), opened(name)) == (2.0, 2.0)
    clock.now = 12.0
    breaker.check()
    breaker.success()
    assert (state(name), opened(name)) == (0.0, 2.0)


def test_a_board_not_exported_adds_no_series():
    name = f"twilio-{uuid.uuid4().hex[:8]}"
    breaker = BreakerBoard(lambda _: BreakerPolicy(failures=1, reset_seconds=5)).get(name)
    breaker.failure()
    assert breaker.state == "open" and state(name) is None
