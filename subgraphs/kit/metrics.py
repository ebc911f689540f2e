"""A subgraph's Prometheus metrics: GraphQL request time and errors, and, refreshed at each
scrape, its database pool, outbox backlog, consumer lag and dead letters (labels: service,
consumer group, topic, partition: all bounded by the deployment, never by a client)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Gauge
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.telemetry.labels import BoundedNames
from common.telemetry.metrics import LATENCY_BUCKETS, on_scrape
from common.telemetry.tally import Counter, Histogram
from streaming.consumer import EventConsumer
from streaming.outbox import OutboxRelay
from subgraphs.kit.database import Database
from subgraphs.kit.messaging import Messaging

__all__ = ["GRAPHQL_ERRORS", "RequestMetrics", "count_graphql_error", "observe"]

DURATION = Histogram("subgraph_request_duration_seconds", "Time to answer POST/GET /graphql",
                     ["service"], buckets=LATENCY_BUCKETS)
SERVER_ERRORS = Counter("subgraph_request_errors_total",
                        "/graphql requests answered with a 5xx status", ["service"])
GRAPHQL_ERRORS = Counter("subgraph_graphql_errors_total",
                         "Errors in GraphQL results, by extensions.code", ["code"])
POOL_IN_USE = Gauge("subgraph_db_pool_in_use", "Database connections checked out", ["service"])
POOL_OPENED = Counter("subgraph_db_connections_opened_total",
                      "Database connections opened since start (climbing under steady load: "
                      "the pool is too small and overflow connections churn)", ["service"])
POOL_SIZE = Gauge("subgraph_db_pool_size",
                  "Connections the pool keeps (its overflow may open more)", ["service"])
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_AGE = Gauge("outbox_oldest_age_seconds",
                   "Age of the oldest unpublished outbox row (0 when none waits)", ["service"])
LAG = Gauge("kafka_consumer_lag", "Records behind: end offset minus committed offset",
            ["group", "topic", "partition"])
DEAD_LETTERS = Gauge("kafka_dlq_messages", "Messages kept in a dead-letter topic",
                     ["group", "topic"])

_codes = BoundedNames(50)


def count_graphql_error(code: str | None) -> None:
    """One error of a GraphQL result (called from the schema's error processing)."""
    GRAPHQL_ERRORS.labels(_codes(code)).inc()


class RequestMetrics:
    """Pure ASGI: times HTTP requests to exactly ``/graphql`` and counts 5xx answers."""

    __slots__ = ("app", "duration", "errors")

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.duration = DURATION.labels(service)
        self.errors = SERVER_ERRORS.labels(service)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app raises

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.duration.observe(time.perf_counter() - started)
            if status >= 500:
                self.errors.inc()


def observe(service: str, parts: Iterable[Any]) -> tuple[Any, Any]:
    """Start and stop hooks that refresh the gauges of ``parts`` at each scrape of this
    process: each ``Database``'s pool, each ``Messaging``'s outbox and consumers, and the
    ``consumer`` (an ``EventConsumer``) of any other part (the cart's order events)."""
    parts = list(parts)
    databases = [p for p in parts if isinstance(p, Database)]
    relays = [p.relay for p in parts if isinstance(p, Messaging)]
    consumers = [c for p in parts for c in _consumers_of(p)]
    owner = object()
    series: set[tuple[str, ...]] = set()

    async def refresh() -> None:
        for database in databases:
            _pool(service, database)
        await asyncio.gather(*(_outbox(service, relay) for relay in relays),
                             _consumers(consumers, series))

    async def start() -> None:
        on_scrape(owner, refresh)

    async def stop() -> None:
        on_scrape(owner, None)

    return start, stop


def _consumers_of(part: Any) -> list[EventConsumer]:
    if isinstance(part, Messaging):
        return list(part.consumers)
    consumer = getattr(part, "consumer", None)
    return [consumer] if isinstance(consumer, EventConsumer) else []


def _pool(service: str, database: Database) -> None:
    opened = POOL_OPENED.labels(service)
    opened.inc(database.connections_opened - opened.value)
    pool = database.engine.sync_engine.pool
    checked_out = getattr(pool, "checkedout", None)
    if checked_out is not None:  # QueuePool; NullPool/StaticPool keep no count
        POOL_IN_USE.labels(service).set(checked_out())
        POOL_SIZE.labels(service).set(pool.size())


async def _outbox(service: str, relay: OutboxRelay) -> None:
    count, oldest = await relay.backlog()
    OUTBOX_BACKLOG.labels(service).set(count)
    age = 0.0 if oldest is None else (datetime.now(UTC) - oldest).total_seconds()
    OUTBOX_AGE.labels(service).set(max(age, 0.0))


async def _consumers(consumers: list[EventConsumer], series: set[tuple[str, ...]]) -> None:
    """Lag per partition this process is assigned; a partition moved elsewhere is dropped."""
    seen: set[tuple[str, ...]] = set()
    # every broker question at once: asked one after another they held a scrape for most of a
    # second on the embedded broker
    answers = await asyncio.gather(*(asyncio.gather(c.committed_lag(), c.dead_letters())
                                     for c in consumers))
    for consumer, (lags, dead) in zip(consumers, answers, strict=True):
        for tp, lag in lags.items():
            labels = (consumer.group, tp.topic, str(tp.partition))
            LAG.labels(*labels).set(lag)
            seen.add(labels)
        for topic, depth in dead.items():
            DEAD_LETTERS.labels(consumer.group, topic).set(depth)
    for labels in series - seen:
        LAG.remove(*labels)
    series.clear()
    series.update(seen)
