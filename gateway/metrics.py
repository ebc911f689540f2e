"""The gateway's Prometheus metrics: operations, subgraph fetches, GraphQL error codes, the plan
cache and open subscriptions. Labels are bounded: operation names and error codes through
``BoundedNames``, subgraph names come from the supergraph, kinds and transports are fixed.
What every request touches is a lock-free tally (``common.telemetry.tally``)."""

from __future__ import annotations

from typing import Any

from prometheus_client import Gauge

from common.telemetry.labels import BoundedNames
from common.telemetry.metrics import LATENCY_BUCKETS
from common.telemetry.tally import Counter, Histogram

__all__ = [
    "BREAKER_PROBES",
    "COLLAPSED",
    "FETCHES",
    "FETCH_FAILURES",
    "GRAPHQL_ERRORS",
    "PLAN_CACHE",
    "SUBSCRIPTIONS",
    "SUBSCRIPTION_EVENTS",
    "UPSTREAM_EVENTS",
    "UPSTREAM_RESUMES",
    "record_fetch",
    "record_request",
]

REQUESTS = Counter("gateway_requests_total", "GraphQL operations answered over HTTP",
                   ["operation", "kind"])
REQUEST_ERRORS = Counter("gateway_request_errors_total",
                         "GraphQL operations whose response carries errors", ["operation", "kind"])
DURATION = Histogram("gateway_request_duration_seconds",
                     "Time from reading a GraphQL request to its response",
                     ["operation", "kind"], buckets=LATENCY_BUCKETS)
GRAPHQL_ERRORS = Counter("gateway_graphql_errors_total",
                         "Errors in GraphQL responses, by extensions.code", ["code"])
FETCHES = Histogram("gateway_subgraph_fetch_duration_seconds",
                    "Time of one request to a subgraph (failed ones included)", ["subgraph"],
                    buckets=LATENCY_BUCKETS)
FETCH_FAILURES = Counter("gateway_subgraph_fetch_failures_total",
                         "Subgraph requests without a GraphQL response", ["subgraph", "code"])
COLLAPSED = Counter("gateway_collapsed_requests_total",
                    "Queries answered from an identical concurrent query's execution "
                    "(collapse_requests); each is counted in gateway_requests_total too",
                    []).labels()
PLAN_CACHE = Counter("gateway_plan_cache_total",
                     "Look-ups of prepared (parsed, validated, planned) operations",
                     ["result"])
# livesum: with several workers the gauge is the sum over the workers that are alive.
SUBSCRIPTIONS = Gauge("gateway_active_subscriptions", "Client subscriptions open",
                      ["transport"], multiprocess_mode="livesum")
# An event is counted once as it arrives on its upstream stream and once per subscriber it is
# handed to; upstream events no subscriber got show as a gap between the two (fan-out aside).
UPSTREAM_EVENTS = Counter("gateway_subscription_upstream_events_total",
                          "Events received on upstream subscription streams (once per stream, "
                          "before fan-out to its subscribers)", ["subgraph"])
SUBSCRIPTION_EVENTS = Counter("gateway_subscription_events_total",
                              "Subscription events handed to client transports (one per "
                              "subscriber)", ["transport"])
BREAKER_PROBES = Counter("gateway_subgraph_breaker_probes_total",
                         "Background probes of a subgraph whose circuit breaker is open, by "
                         "outcome (answered: the breaker turns half-open)",
                         ["subgraph", "outcome"])
UPSTREAM_RESUMES = Counter("gateway_subscription_upstream_resumes_total",
                           "Upstream subscription streams subscribed again after their socket "
                           "dropped (a subgraph restart)", ["subgraph"])

_operation_names = BoundedNames(200)
_codes = BoundedNames(50)
_by_operation: dict[tuple[str, str], tuple[Any, Any, Any]] = {}
_by_subgraph: dict[str, Any] = {}
PLAN_HIT, PLAN_MISS = PLAN_CACHE.labels("hit"), PLAN_CACHE.labels("miss")


def record_request(operation: str | None, kind: str, response: dict[str, Any],
                   seconds: float) -> None:
    """Count one answered operation (the hot path: cached children, no formatting)."""
    key = (operation or "", kind)
    children = _by_operation.get(key)
    if children is None:
        labels = (_operation_names(operation), kind)
        children = (REQUESTS.labels(*labels), REQUEST_ERRORS.labels(*labels),
                    DURATION.labels(*labels))
        if len(_by_operation) < 10_000:  # the raw names are bounded by memory, not by labels
            _by_operation[key] = children
    children[0].inc()
    children[2].observe(seconds)
    errors = response.get("errors")
    if errors:
        children[1].inc()
        _count_codes(errors)


def _count_codes(errors: list[Any]) -> None:
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        GRAPHQL_ERRORS.labels(_codes(code if isinstance(code, str) else None)).inc()


def record_fetch(subgraph: str, seconds: float, failure: str | None = None) -> None:
    """One subgraph request: its time, and the failure code when it gave no response."""
    histogram = _by_subgraph.get(subgraph)
    if histogram is None:
        histogram = _by_subgraph[subgraph] = FETCHES.labels(subgraph)
    histogram.observe(seconds)
    if failure is not None:
        FETCH_FAILURES.labels(subgraph, failure).inc()
