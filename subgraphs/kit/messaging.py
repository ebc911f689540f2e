"""Wire a service's outbox relay and event consumers into its app lifecycle and /ready.

A domain declares ``outbox_table``/``inbox_table`` in its own metadata (streaming/), writes
events with ``streaming.outbox.enqueue`` in its transactions, and hands this class the handlers
it wants to run. The relay and consumers start with the app and stop with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from streaming.consumer import EventConsumer, RetryPolicy
from streaming.handlers import SessionHandler
from streaming.inbox import idempotent
from streaming.outbox import OutboxRelay
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from streaming.topics import ALL_TOPICS, ensure_topics
from subgraphs.kit.database import Database

__all__ = ["SERVICE_RETRY", "Messaging", "Subscription"]

log = logging.getLogger("kit.messaging")

# A service's handlers fail mostly on transient trouble (a database restart, a subgraph
# redeploy); about a minute of doubling retries rides that out before a message is parked.
SERVICE_RETRY = RetryPolicy(attempts=10, initial_backoff=0.2, max_backoff=15.0)


@dataclass(frozen=True)
class Subscription:
    """Run ``handler(session, event)`` once per event of ``topics`` for consumer ``group``;
    ``background``: no one waits on its effects as they happen, so it fetches with
    ``KafkaSettings.background_fetch_max_wait_ms``."""

    topics: Sequence[str]
    group: str
    handler: SessionHandler
    background: bool = False


class Messaging:
    """Owns one producer, one outbox relay and the service's consumers."""

    def __init__(
        self,
        database: Database,
        settings: KafkaSettings,
        subscriptions: Sequence[Subscription] = (),
        *,
        outbox: Any = None,
        inbox: Any = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.producer = EventProducer(settings)
        relay_kwargs = {"table": outbox} if outbox is not None else {}
        self.relay = OutboxRelay(database.engine, self.producer, **relay_kwargs)
        inbox_kwargs = {"table": inbox} if inbox is not None else {}
        self.consumers = [
            EventConsumer(
                s.topics, s.group,
                idempotent(database.sessions, s.group, s.handler, **inbox_kwargs),
                settings=_for_handlers_on(database, _waits_of(s, settings)),
                retry=retry or SERVICE_RETRY,
            )
            for s in subscriptions
        ]
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Start in the background: a broker that is down must not stop the service starting."""
        self._tasks = [asyncio.create_task(self._relay_forever())]
        self._tasks += [asyncio.create_task(c.run()) for c in self.consumers]

    async def stop(self) -> None:
        self._stopping.set()
        self.relay.stop()
        for consumer in self.consumers:
            consumer.stop()
        _done, pending = await asyncio.wait(self._tasks, timeout=10) if self._tasks else ((), ())
        for task in pending:
            task.cancel()
        with contextlib.suppress(Exception):
            await self.producer.stop()

    def stats(self) -> dict[str, Any]:
        """Relay and consumer counters (published, lag, dead-lettered) for /ready and metrics."""
        relay = self.relay.stats()
        return {
            "outbox": {"published": relay.published, "failures": relay.failures},
            "consumers": [c.stats().as_dict() for c in self.consumers],
        }

    async def _relay_forever(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                await ensure_topics(self.settings, ALL_TOPICS)
                await self.producer.start()
                break
            except Exception as exc:  # broker down at start-up: keep the rows, retry
                log.warning("broker unreachable (%r); outbox keeps events, retry in %.1fs",
                            exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay = min(delay * 2, 10)
        if not self._stopping.is_set():
            await self.relay.run()


def _waits_of(subscription: Subscription, settings: KafkaSettings) -> KafkaSettings:
    if not subscription.background:
        return settings
    return settings.model_copy(update={"fetch_max_wait_ms": settings.background_fetch_max_wait_ms})


def _for_handlers_on(database: Database, settings: KafkaSettings) -> KafkaSettings:
    """One record at a time on SQLite unless ``KAFKA_CONSUMER_CONCURRENCY`` is set: a file has
    one writer, so concurrent handlers mostly take turns on it (20 checkouts/s on SQLite, before
    writers queued in-process: p95 806 ms with 8 handlers, 423 ms with 1; see
    tests/bench/RESULTS.md, issue 17)."""
    if database.is_sqlite and "consumer_concurrency" not in settings.model_fields_set:
        return settings.model_copy(update={"consumer_concurrency": 1})
    return settings
