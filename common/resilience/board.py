"""Every breaker of a process by name, with a snapshot a metrics exporter can read."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from common.resilience.breaker import BreakerPolicy, CircuitBreaker, State

__all__ = ["BreakerBoard", "BreakerState"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BreakerState:
    """One breaker as an exporter sees it (``state``: closed, open or half_open)."""

    name: str
    state: State
    consecutive_failures: int
    times_opened: int


class BreakerBoard:
    """Makes breakers on first use and reports them: ``snapshot()`` for a scrape, ``listeners``
    called on every state change (a metrics module may append one)."""

    def __init__(self, policy_for: Callable[[str], BreakerPolicy] = lambda _: BreakerPolicy(),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._policy_for, self._clock = policy_for, clock
        self._breakers: dict[str, CircuitBreaker] = {}
        self.listeners: list[Callable[[str, State], None]] = []

    def get(self, name: str) -> CircuitBreaker:
        """The breaker of dependency ``name`` (made with its policy on first use)."""
        breaker = self._breakers.get(name)
        if breaker is None:
            breaker = CircuitBreaker(name, self._policy_for(name), self._clock, self._changed)
            self._breakers[name] = breaker
        return breaker

    def snapshot(self) -> list[BreakerState]:
        """Every breaker's state now, sorted by name."""
        return [BreakerState(b.name, b.state, b.consecutive, b.opened)
                for _, b in sorted(self._breakers.items())]

    def _changed(self, name: str, state: State) -> None:
        log.warning("circuit breaker %s is now %s", name, state)
        for listener in self.listeners:
            listener(name, state)
