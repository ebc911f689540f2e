"""The shop load generator's pure parts: arrival schedule, the shop mix, Zipf products,
latency summaries and the step search's stop rule (no I/O here; tests/bench_tools tests them).

Open loop: requests are due at a constant arrival rate whatever the answers do, and each
latency is measured from the moment its request was *due*, so a slow server (or a lagging
generator) shows up in the numbers instead of silently lowering the offered load
(coordinated omission).
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "MIX",
    "Choice",
    "Sample",
    "StepOutcome",
    "Targets",
    "ZipfSampler",
    "arrival_offsets",
    "percentile",
    "step_search",
    "summarise",
    "weighted",
]

# the shop mix of issue 22: share of requests per operation class
MIX: dict[str, float] = {"catalogue": 0.70, "cart": 0.15, "account": 0.10, "checkout": 0.05}


def arrival_offsets(rate: float, duration: float) -> list[float]:
    """Seconds after the start at which each request is due: constant rate, ``rate * duration``
    requests evenly spaced (the first at 0)."""
    if rate <= 0 or duration <= 0:
        raise ValueError("rate and duration must be positive")
    count = math.floor(rate * duration + 1e-9)
    return [i / rate for i in range(count)]


@dataclass(frozen=True)
class Choice:
    """Weighted names, drawn by one uniform number (cumulative weights, bisect)."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.names[min(index, len(self.names) - 1)]


def weighted(weights: dict[str, float]) -> Choice:
    if not weights or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    running, cumulative = 0.0, []
    for weight in weights.values():
        running += weight
        cumulative.append(running)
    return Choice(tuple(weights), tuple(cumulative))


class ZipfSampler:
    """Ranks 0..n-1 with P(rank k) proportional to 1 / (k + 1) ** s (rank 0 the most popular)."""

    def __init__(self, n: int, s: float = 1.0) -> None:
        if n < 1 or s < 0:
            raise ValueError("n must be >= 1 and s >= 0")
        running, cumulative = 0.0, []
        for k in range(n):
            running += 1.0 / (k + 1) ** s
            cumulative.append(running)
        self.n, self.s, self._cumulative = n, s, cumulative

    def probability(self, rank: int) -> float:
        previous = self._cumulative[rank - 1] if rank else 0.0
        return (self._cumulative[rank] - previous) / self._cumulative[-1]

    def sample(self, rng: random.Random) -> int:
        index = bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        return min(index, self.n - 1)


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of already sorted values, linear between closest ranks
    (numpy's default); ``nan`` for no values."""
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Sample:
    """One request: its class and operation, seconds from due to answered, and whether it
    failed (transport error, non-200, or GraphQL errors)."""

    kind: str
    operation: str
    latency: float
    failed: bool


def summarise(samples: Iterable[Sample]) -> dict[str, float]:
    """count, errors, error rate and avg/p50/p95/p99 (ms) over every sample, failures
    included (a failure's time is still time a user waited)."""
    samples = list(samples)
    ms = sorted(s.latency * 1000 for s in samples)
    errors = sum(s.failed for s in samples)
    return {
        "count": len(ms),
        "errors": errors,
        "error_rate": errors / len(ms) if ms else 0.0,
        "avg_ms": sum(ms) / len(ms) if ms else math.nan,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
    }


@dataclass(frozen=True)
class Targets:
    """The design's latency targets and what counts as sustaining a rate."""

    avg_ms: float = 200.0
    p95_ms: float = 500.0
    max_error_rate: float = 0.01
    min_achieved: float = 0.95  # answers per second at least this share of the offered rate

    def misses(self, overall: dict[str, float], offered: float, achieved: float) -> list[str]:
        """Why a step failed (empty: it met every target)."""
        why = []
        if not overall["count"]:
            return ["no requests answered"]
        if overall["avg_ms"] >= self.avg_ms:
            why.append(f"avg {overall['avg_ms']:.0f} ms >= {self.avg_ms:.0f}")
        if overall["p95_ms"] >= self.p95_ms:
            why.append(f"p95 {overall['p95_ms']:.0f} ms >= {self.p95_ms:.0f}")
        if overall["error_rate"] > self.max_error_rate:
            why.append(f"errors {overall['error_rate']:.1%} > {self.max_error_rate:.0%}")
        if achieved < self.min_achieved * offered:
            why.append(f"achieved {achieved:.1f} RPS < {self.min_achieved:.0%} of {offered:g}")
        return why


@dataclass
class StepOutcome:
    """Every step run, and the highest rate that met the targets (0 if none did)."""

    steps: list[dict[str, object]] = field(default_factory=list)
    best_rate: float = 0.0


async def step_search(
    run_step: Callable[[float], Awaitable[tuple[dict[str, float], float]]],
    *,
    start: float,
    increment: float,
    limit: float,
    targets: Targets | None = None,
) -> StepOutcome:
    """Offer ``start``, ``start + increment``, ... RPS (at most ``limit``) until a step misses a
    target; ``run_step(rate)`` returns (overall summary, achieved RPS)."""
    if start <= 0 or increment <= 0:
        raise ValueError("start and increment must be positive")
    targets = targets or Targets()
    outcome, rate = StepOutcome(), start
    while rate <= limit + 1e-9:
        overall, achieved = await run_step(rate)
        why = targets.misses(overall, rate, achieved)
        outcome.steps.append({"rate": rate, "achieved": achieved, **overall, "missed": why})
        if why:
            break
        outcome.best_rate = rate
        rate += increment
    return outcome
