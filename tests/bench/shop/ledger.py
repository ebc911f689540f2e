"""CPU seconds per service over one load step, from readings of its processes taken during it.

Summing a service's processes at the step's start and end and subtracting goes wrong when the
set changes in between: a PostgreSQL backend that disconnects takes its seconds with it, so our
databases' column could go negative. The ledger instead follows each process by ``(pid, start
time)``: one alive at the step's start counts from its value then, one started during the step
counts in full, and one that exits counts up to its last reading (take readings often). Every
term is a counter's growth, so each service's total is never negative and only grows with
more readings.
"""

from __future__ import annotations

from tests.bench.shop.cpu import Key, Times

__all__ = ["CpuLedger"]


class CpuLedger:
    """Readings ``{service: {process key: cpu seconds}}`` in, seconds per service out."""

    def __init__(self, started_ticks: int) -> None:
        self.started_ticks = started_ticks  # the step's start, in clock ticks since boot
        self._base: dict[str, dict[Key, float]] = {}
        self._last: dict[str, dict[Key, float]] = {}

    def add(self, reading: dict[str, Times]) -> None:
        """One reading of every service's live processes (and scalar counters)."""
        for name, processes in reading.items():
            base = self._base.setdefault(name, {})
            last = self._last.setdefault(name, {})
            for key, seconds in processes.items():
                if key not in base:
                    base[key] = 0.0 if self._started_within(key) else seconds
                last[key] = max(last.get(key, seconds), seconds)

    def used(self) -> dict[str, float]:
        """CPU seconds each service used since the step began (as far as readings saw)."""
        return {name: round(sum((last[key] - self._base[name][key] for key in last), 0.0), 2)
                for name, last in self._last.items()}

    def _started_within(self, key: Key) -> bool:
        # A process started after the step began spent all its seconds inside the step; the
        # scalar key's start time 0 is never after it.
        return key[1] > self.started_ticks
