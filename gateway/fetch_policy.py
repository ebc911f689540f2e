"""The subgraph fetch guard (breakers, retries, stale answers) as the configuration says."""

from __future__ import annotations

from common.resilience import BreakerPolicy
from gateway.config import GatewayConfig, SubgraphTraffic
from gateway.fetch.guard import FetchPolicy, Guard
from gateway.fetch.recovery import ProbePolicy
from gateway.fetch.stale import StaleCache

__all__ = ["build_guard", "fetch_policy"]


def fetch_policy(traffic: SubgraphTraffic) -> FetchPolicy:
    """One subgraph's effective options as the guard's policy."""
    breaker = BreakerPolicy(traffic.breaker_failures, traffic.breaker_failure_ratio,
                            traffic.breaker_window, traffic.breaker_reset_seconds)
    interval = traffic.breaker_probe_interval_seconds
    longest = max(traffic.breaker_probe_max_interval_seconds, interval)
    # a probe lasts at most one longest wait: probes never overlap
    probe = ProbePolicy(interval, longest, min(longest, traffic.timeout_seconds))
    return FetchPolicy(breaker, traffic.retries, traffic.retry_backoff_seconds,
                       traffic.serve_stale_seconds, traffic.deduplicate_queries, probe)


def build_guard(config: GatewayConfig) -> Guard:
    """A guard whose every subgraph follows ``config.traffic`` (``all`` plus its overrides)."""
    cache = config.stale_cache
    stale = StaleCache(cache.neutral_headers, cache.max_entries, cache.max_bytes)
    return Guard(lambda name: fetch_policy(config.traffic.for_subgraph(name)), stale)
