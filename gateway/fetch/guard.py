"""Around every subgraph request: its circuit breaker, retries of idempotent ones, and the
stale answer kept for when the subgraph fails.

Only a query (a root query fetch or an entity fetch) is retried or answered from the cache: a
mutation goes out once, whatever happens (GraphQL spec §6.2.2: mutations have side effects;
a retry could apply one twice). Retried: the subgraph unreachable or answering HTTP 5xx
without a GraphQL body; never a timeout (the caller already waited the whole timeout once).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from common.resilience import BreakerBoard, BreakerOpen, BreakerPolicy
from common.telemetry.breakers import export_breakers
from gateway.fetch.errors import SubgraphFetchError
from gateway.fetch.recovery import ProbePolicy, Recovery
from gateway.fetch.stale import StaleAnswer, StaleCache

__all__ = ["FetchPolicy", "Guard"]

# The subgraph's fault (counted by its breaker); a request the gateway could not build is not.
_SUBGRAPH_FAULTS = frozenset({"SUBGRAPH_FETCH_FAILED", "SUBGRAPH_TIMEOUT"})
_RETRYABLE = frozenset({"SUBGRAPH_FETCH_FAILED"})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """One subgraph's breaker, retries, stale-if-error window (0: never stale), whether
    identical concurrent queries share one request, and the background probes of its open
    breaker."""

    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    retries: int = 1
    retry_backoff: float = 0.05
    serve_stale_seconds: float = 0.0
    deduplicate: bool = True
    probe: ProbePolicy = field(default_factory=ProbePolicy)


class Guard:
    """Shared by every pool a gateway builds, so breakers and kept answers survive a reload."""

    def __init__(self, policy_for: Callable[[str], FetchPolicy] = lambda _: FetchPolicy(),
                 stale: StaleCache | None = None) -> None:
        self._policy_for = policy_for
        self._policies: dict[str, FetchPolicy] = {}
        self.breakers = export_breakers(BreakerBoard(lambda name: self.policy(name).breaker))
        # probes a subgraph whose breaker is open (the pool says how: ``recovery.probe_with``)
        self.recovery = Recovery(self.breakers, lambda name: self.policy(name).probe)
        # not `stale or ...`: an empty cache has len 0 and is falsy, the configured one was lost
        self.stale = stale if stale is not None else StaleCache(
            ("x-request-id", "traceparent", "tracestate", "x-forwarded-for"))

    def policy(self, subgraph: str) -> FetchPolicy:
        """Subgraph ``subgraph``'s policy (asked of ``policy_for`` once)."""
        policy = self._policies.get(subgraph)
        if policy is None:
            policy = self._policies[subgraph] = self._policy_for(subgraph)
        return policy

    async def send(self, subgraph: str, idempotent: bool,
                   send: Callable[[], Awaitable[bytes]]) -> bytes:
        """``send()`` through the breaker; an idempotent request is retried ``retries`` times."""
        policy, breaker = self.policy(subgraph), self.breakers.get(subgraph)
        attempts = 1 + (policy.retries if idempotent else 0)
        for attempt in range(1, attempts + 1):
            try:
                breaker.check()
            except BreakerOpen as error:
                raise _circuit_open(subgraph, error, policy.probe) from None
            try:
                raw = await send()
            except SubgraphFetchError as error:
                if error.code in _SUBGRAPH_FAULTS:
                    breaker.failure()
                if attempt == attempts or error.code not in _RETRYABLE:
                    raise
                # full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter")
                await asyncio.sleep(random.uniform(0, policy.retry_backoff * 2 ** (attempt - 1)))
                continue
            breaker.success()
            return raw
        raise AssertionError("unreachable")  # the loop returns or raises

    def remember(self, subgraph: str, body: bytes, headers: Mapping[str, str],
                 raw: bytes, response: dict[str, Any]) -> None:
        """Keep a public query's error-free answer for ``serve_stale_seconds``."""
        if self.policy(subgraph).serve_stale_seconds > 0 and not response.get("errors") \
                and self.stale.usable(headers):
            self.stale.put(subgraph, body, raw)

    def stale_answer(self, subgraph: str, body: bytes,
                     headers: Mapping[str, str]) -> StaleAnswer | None:
        """The kept answer to a public query, if recent enough, marked with its age."""
        window = self.policy(subgraph).serve_stale_seconds
        if window <= 0 or not self.stale.usable(headers):
            return None
        kept = self.stale.get(subgraph, body, window)
        if kept is None:
            return None
        answer = StaleAnswer(orjson.loads(kept[0]))
        answer.subgraph, answer.age = subgraph, kept[1]
        return answer


def _circuit_open(subgraph: str, error: BreakerOpen, probe: ProbePolicy) -> SubgraphFetchError:
    # With background probes the subgraph is used again at the first probe it answers, which
    # can be well before the reset time a client request would wait for.
    when = (f"probed every {probe.interval:g}-{probe.max_interval:g}s, used again once it answers"
            if probe.interval > 0 else f"next probe in {error.retry_in:.1f}s")
    message = (f"subgraph '{subgraph}' is unavailable: its circuit breaker is open after "
               f"repeated failures ({when})")
    return SubgraphFetchError(subgraph, message, "SUBGRAPH_CIRCUIT_OPEN")
