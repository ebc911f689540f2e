"""How long a reader's fetches wait: short while it needs what arrives, long otherwise.

The embedded broker answers a fetch only when its wait ends, so a reader polling every
``fast_ms`` costs CPU in the broker and in itself that often, even when nothing comes. A reader
that has nothing to gain from asking often (no foreign event lately, or no one to hand one to)
asks every ``slow_ms`` instead; the first event it needs after such a quiet spell then arrives up
to ``slow_ms`` (plus a fetch) later, and the ones after it within ``fast_ms`` again, for
``window_s`` seconds after the last one. Real Kafka answers a fetch as soon as data arrives, so
there a long wait adds no latency at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer

__all__ = ["FetchPace", "set_fetch_wait"]


class FetchPace:
    """The fetch wait a reader should ask with now: ``fast_ms`` within ``window_s`` seconds of
    the last event it needed (:meth:`needed`) and while someone wants events, else ``slow_ms``."""

    def __init__(self, fast_ms: int, slow_ms: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fast_ms, self.slow_ms, self.window_s = fast_ms, max(slow_ms, fast_ms), window_s
        self._clock = clock
        self._last = -float("inf")

    def needed(self) -> None:
        """An event this reader needed arrived: ask often for a while."""
        self._last = self._clock()

    def wait_ms(self, *, wanted: bool = True) -> int:
        """The wait for the next fetch; ``wanted`` False: no one would take an event now."""
        recent = self._clock() - self._last < self.window_s
        return self.fast_ms if wanted and recent else self.slow_ms


def set_fetch_wait(kafka: AIOKafkaConsumer, wait_ms: int) -> None:
    """Make ``kafka``'s next fetch requests wait ``wait_ms`` (a started consumer)."""
    # aiokafka reads the wait from its fetcher each time it builds a fetch request and has no
    # public setter. Its fetcher sends no fetch while records of the last one are unread, so a
    # wait set right after getmany() returned them applies to the very next request.
    fetcher = getattr(kafka, "_fetcher", None)
    if fetcher is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
        raise RuntimeError(
            "aiokafka's Fetcher._fetch_max_wait_ms is gone: pin aiokafka to a version "
            "streaming/pacing.py supports (pyproject.toml)"
        )
    fetcher._fetch_max_wait_ms = wait_ms
