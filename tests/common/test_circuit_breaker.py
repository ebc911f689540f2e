"""The circuit breaker: opens on consecutive failures or a failure ratio, fails fast while
open, lets one probe through when half-open, and closes on the probe's success."""

from __future__ import annotations

import pytest

from common.resilience import BreakerBoard, BreakerOpen, BreakerPolicy, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def breaker(**policy: float) -> tuple[CircuitBreaker, Clock]:
    clock = Clock()
    return CircuitBreaker("products", BreakerPolicy(**policy), clock), clock  # type: ignore[arg-type]


def test_consecutive_failures_open_the_breaker_and_calls_then_fail_fast():
    # given a breaker opening after 3 consecutive failures
    subject, _ = breaker(failures=3, reset_seconds=5)
    # when three calls fail
    for _ in range(3):
        subject.check()
        subject.failure()
    # then the next call is refused without being made
    with pytest.raises(BreakerOpen) as refused:
        subject.check()
    assert subject.state == "open" and refused.value.retry_in == 5


def test_a_success_between_failures_keeps_it_closed():
    subject, _ = breaker(failures=3, window=100)
    for outcome in (False, False, True, False, False):
        subject.check()
        subject.success() if outcome else subject.failure()
    subject.check()  # still closed: never three failures in a row
    assert subject.state == "closed"


def test_a_failure_ratio_over_a_full_window_opens_it():
    # given a ratio of one half over the last 4 calls, consecutive failures set high
    subject, _ = breaker(failures=100, ratio=0.5, window=4)
    # when failures and successes alternate until the window is full
    for outcome in (True, False, True, False):
        subject.check()
        subject.success() if outcome else subject.failure()
    # then half of the window failed: open
    assert subject.state == "open"


def test_after_the_reset_time_one_probe_goes_through_and_its_success_closes_it():
    subject, clock = breaker(failures=1, reset_seconds=5)
    subject.check()
    subject.failure()
    clock.now += 5
    subject.check()  # the probe
    assert subject.state == "half_open"
    with pytest.raises(BreakerOpen):  # only one probe at a time
        subject.check()
    subject.success()
    assert subject.state == "closed"
    subject.check()


def test_a_failed_probe_opens_it_again_for_another_reset_time():
    subject, clock = breaker(failures=1, reset_seconds=5)
    subject.check()
    subject.failure()
    clock.now += 5
    subject.check()
    subject.failure()
    assert subject.state == "open"
    clock.now += 4
    with pytest.raises(BreakerOpen):
        subject.check()


def test_a_probe_that_never_reports_is_replaced_after_the_reset_time():
    subject, clock = breaker(failures=1, reset_seconds=5)
    subject.check()
    subject.failure()
    clock.now += 5
    subject.check()  # this probe's caller is cancelled and never reports
    clock.now += 6
    subject.check()  # a new probe is allowed instead of staying stuck half-open
    assert subject.state == "half_open"


def test_failures_zero_turns_the_breaker_off():
    subject, _ = breaker(failures=0)
    for _ in range(50):
        subject.check()
        subject.failure()
    assert subject.state == "closed"


def test_the_board_reports_every_breaker_and_tells_listeners_of_changes():
    board = BreakerBoard(lambda name: BreakerPolicy(failures=1))
    changes: list[tuple[str, str]] = []
    board.listeners.append(lambda name, state: changes.append((name, state)))
    board.get("stripe").failure()
    board.get("sendgrid").success()
    assert [(s.name, s.state, s.times_opened) for s in board.snapshot()] == [
        ("sendgrid", "closed", 0), ("stripe", "open", 1)]
    assert changes == [("stripe", "open")]


def test_a_recovered_dependency_turns_an_open_breaker_half_open_before_the_reset_time():
    # given a breaker opened a second ago, with four seconds of its reset time left
    subject, clock = breaker(failures=1, reset_seconds=5)
    subject.check()
    subject.failure()
    clock.now += 1
    # when a health probe sees the dependency answer
    subject.recovered()
    # then one call goes through at once as the probe, the others still fail fast
    assert subject.state == "half_open"
    subject.check()
    with pytest.raises(BreakerOpen):
        subject.check()
    # and its success closes the breaker
    subject.success()
    assert subject.state == "closed"


def test_recovered_changes_nothing_unless_the_breaker_is_open():
    subject, clock = breaker(failures=1, reset_seconds=5)
    subject.recovered()
    assert subject.state == "closed"
    subject.check()
    subject.failure()
    clock.now += 5
    subject.check()  # a client request is the half-open probe, in flight
    subject.recovered()  # must not let a second probe through
    with pytest.raises(BreakerOpen):
        subject.check()
