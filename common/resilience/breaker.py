"""A circuit breaker: stop calling a dependency that keeps failing, probe it now and then.

States (Nygard, "Release It!", the Circuit Breaker pattern): *closed* lets every call through
and counts failures; after ``failures`` consecutive ones, or when at least ``ratio`` of the last
``window`` calls failed, it *opens*: calls fail fast with :class:`BreakerOpen` for
``reset_seconds``; then it is *half-open*: one probe call goes through, its success closes the
breaker, its failure opens it again for another ``reset_seconds``. Whoever watches the
dependency by other means (a health probe) may call :meth:`CircuitBreaker.recovered` to end the
open wait early: the breaker turns half-open at once and the next call is its probe.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["BreakerOpen", "BreakerPolicy", "CircuitBreaker", "State"]

State = Literal["closed", "open", "half_open"]


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    """When to open and for how long; ``failures=0`` turns the breaker off (always closed)."""

    failures: int = 5
    ratio: float = 0.5
    window: int = 20
    reset_seconds: float = 5.0


class BreakerOpen(Exception):
    """The breaker is open: the call was not made. ``retry_in`` is when a probe is next let
    through (seconds)."""

    def __init__(self, name: str, retry_in: float) -> None:
        super().__init__(f"'{name}' is unavailable (circuit open, next probe in {retry_in:.1f}s)")
        self.name = name
        self.retry_in = retry_in


class CircuitBreaker:
    """One dependency's breaker. Not thread-safe: one event loop owns it (no awaits inside)."""

    def __init__(self, name: str, policy: BreakerPolicy = BreakerPolicy(),
                 clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[str, State], None] | None = None) -> None:
        self.name, self.policy, self._clock, self._on_change = name, policy, clock, on_change
        self.state: State = "closed"
        self.consecutive = 0
        self.opened = 0  # times it opened, for metrics
        self._recent: deque[bool] = deque(maxlen=max(policy.window, 1))
        self._opened_at = self._probe_at = 0.0
        self._probing = False

    def check(self) -> None:
        """Raise :class:`BreakerOpen` unless a call may go out now (maybe as the probe)."""
        if self.state == "closed" or self.policy.failures == 0:
            return
        now = self._clock()
        wait = self._opened_at + self.policy.reset_seconds - now
        if self.state == "open" and wait <= 0:
            self._move("half_open")
        # A probe whose caller vanished (cancelled) without reporting is replaced after a while.
        lost = now - self._probe_at > self.policy.reset_seconds
        if self.state == "half_open" and (not self._probing or lost):
            self._probing, self._probe_at = True, now
            return
        raise BreakerOpen(self.name, max(wait, 0.0))

    def success(self) -> None:
        """The call got an answer: a probe's success closes the breaker."""
        self.consecutive, self._probing = 0, False
        self._recent.append(True)
        if self.state != "closed":
            self._recent.clear()
            self._move("closed")

    def recovered(self) -> None:
        """The dependency answered a health probe: an open breaker turns half-open now, so the
        next call goes through as its probe instead of waiting out ``reset_seconds``."""
        if self.state == "open":
            self._probing = False
            self._move("half_open")

    def failure(self) -> None:
        """The call failed in a way the dependency is to blame for (unreachable, 5xx, timeout)."""
        self.consecutive += 1
        self._recent.append(False)
        if self.state == "half_open" or self._tripped():
            self._open()

    def _tripped(self) -> bool:
        policy = self.policy
        if policy.failures == 0 or self.state == "open":
            return False
        if self.consecutive >= policy.failures:
            return True
        full = len(self._recent) == self._recent.maxlen
        return full and self._recent.count(False) >= policy.ratio * len(self._recent)

    def _open(self) -> None:
        self._opened_at, self._probing = self._clock(), False
        self.opened += 1
        self._move("open")

    def _move(self, state: State) -> None:
        if state != self.state:
            self.state = state
            if self._on_change is not None:
                self._on_change(self.name, state)
