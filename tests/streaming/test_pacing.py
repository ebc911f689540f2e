"""Fetch pacing: the short wait only within the window after a needed event, and while wanted."""

from __future__ import annotations

from streaming.pacing import FetchPace


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_reader_asks_often_only_within_the_window_after_an_event_it_needed():
    clock = Clock()
    pace = FetchPace(25, 500, 10.0, clock=clock)
    assert pace.wait_ms() == 500  # nothing needed yet
    pace.needed()
    clock.now += 9.9
    assert pace.wait_ms() == 25
    clock.now += 0.2
    assert pace.wait_ms() == 500


def test_a_reader_no_one_takes_events_from_asks_at_the_quiet_wait():
    pace = FetchPace(25, 500, 10.0, clock=Clock())
    pace.needed()
    assert pace.wait_ms(wanted=False) == 500


def test_a_quiet_wait_shorter_than_the_short_one_is_raised_to_it():
    assert FetchPace(100, 20, 10.0).wait_ms() == 100
