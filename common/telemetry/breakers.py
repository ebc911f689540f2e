"""Circuit breakers as metrics: each dependency's state (0 closed, 1 half-open, 2 open) and how
often its breaker opened, for every :class:`common.resilience.BreakerBoard` a process exports.
A dependency shows from its breaker's first change of state on (a breaker that never tripped
has nothing to say). With several gateway workers the state is the worst live worker's."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from common.resilience import BreakerBoard

__all__ = ["BREAKER_OPENED", "BREAKER_STATE", "STATE_VALUES", "export_breakers"]

STATE_VALUES = {"closed": 0.0, "half_open": 1.0, "open": 2.0}

BREAKER_STATE = Gauge("circuit_breaker_state",
                      "A dependency's circuit breaker: 0 closed, 1 half-open (one probe "
                      "request let through), 2 open (calls refused without being made)",
                      ["dependency"], multiprocess_mode="livemax")
BREAKER_OPENED = Counter("circuit_breaker_opened_total",
                         "Times a dependency's circuit breaker opened (or reopened after a "
                         "failed probe)", ["dependency"])


def export_breakers(board: BreakerBoard) -> BreakerBoard:
    """Keep ``board``'s breakers in the metrics above from now on; ``board`` for chaining."""
    board.listeners.append(_changed)
    return board


def _changed(name: str, state: str) -> None:
    BREAKER_STATE.labels(name).set(STATE_VALUES.get(state, 2.0))
    if state == "open":
        BREAKER_OPENED.labels(name).inc()
