"""Consumer runner: group subscription, key-ordered handling, manual commits, broker restarts.

Each record is decoded, handed to the handler, and its offset committed only afterwards, so
delivery is at-least-once; handlers wrapped by :func:`streaming.inbox.idempotent` make it
effectively once. Records of one key (one aggregate: an order) are handled strictly in order,
one at a time, also across the topics a consumer reads; records of other keys, in the same
partition or another, at the same time, up to ``KafkaSettings.consumer_concurrency``
(:mod:`streaming.lanes`).

The runner wires the parts, each in its own module:

- :mod:`streaming.attempts`: one record through the handler, retried with backoff, with a time
  limit per attempt, then dead-lettered;
- :mod:`streaming.commits`: what was read and finished of each partition, committed in the
  background, never over a record still being handled; partitions taken away;
- :mod:`streaming.rewind`: after a broken broker connection, every partition back to its
  committed offset (a restarted embedded broker forgets its logs and offsets);
- :mod:`streaming.consumer_stats`: counters, lag and the broker's view of the backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError
from aiokafka.structs import ConsumerRecord

from common.faults import crash_point
from streaming.attempts import RecordAttempts
from streaming.commits import CommitTracker
from streaming.consumer_stats import ConsumerStats, committed_lag, dead_letter_depth
from streaming.handlers import EventHandler
from streaming.lanes import KeyLanes
from streaming.producer import EventProducer
from streaming.progress import PartitionProgress
from streaming.reconnect import ConnectionLosses
from streaming.retry import TRANSIENT, HandlerTimeoutError, RetryPolicy
from streaming.rewind import rewind_to_committed
from streaming.settings import KafkaSettings
from streaming.topics import dlq_topic, ensure_topics

__all__ = ["TRANSIENT", "ConsumerStats", "EventConsumer", "HandlerTimeoutError", "RetryPolicy"]

log = logging.getLogger(__name__)


class EventConsumer:
    """Runs ``handler`` on every event of ``topics`` as member of consumer group ``group``.

    ``max_records`` bounds the records fetched and not yet finished (handling or queued behind
    their key); ``settings.consumer_concurrency`` how many of them are handled at once.
    """

    def __init__(
        self,
        topics: Sequence[str],
        group: str,
        handler: EventHandler,
        *,
        settings: KafkaSettings | None = None,
        retry: RetryPolicy | None = None,
        max_records: int = 100,
    ) -> None:
        self.topics, self.group, self.handler = list(topics), group, handler
        self.settings = settings or KafkaSettings()
        self.retry = retry or RetryPolicy()
        self.max_records = max_records
        self.assigned = asyncio.Event()  # set once the group gave this member partitions
        self._stopping = asyncio.Event()
        self._dlq = EventProducer(self.settings)
        self._kafka: AIOKafkaConsumer | None = None
        self._counts = {"consumed": 0, "handled": 0, "retried": 0, "dead_lettered": 0}
        self._lost = ConnectionLosses()  # broken broker connections not yet rewound after
        self._lanes: KeyLanes[tuple[PartitionProgress, ConsumerRecord]] = KeyLanes(
            self._handle, self.settings.consumer_concurrency
        )
        self._commits = CommitTracker(group, self._lost, lambda: self._kafka,
                                      self.settings.commit_interval_ms / 1000)
        self._attempts = RecordAttempts(
            group, handler, settings=self.settings, retry=self.retry, dead_letters=self._dlq,
            counts=self._counts, pause=self._pause,
        )

    def stats(self) -> ConsumerStats:
        """Counters since start, and lag = high watermark (as of the last fetch) minus the
        first unhandled offset, per assigned partition."""
        return ConsumerStats(self.group, **self._counts, lag=self._commits.lag())

    async def committed_lag(self) -> dict[TopicPartition, int]:
        """Records behind per assigned partition, from the broker: end offset minus the
        group's committed offset (the beginning when none is committed). Empty unless running."""
        kafka = self._kafka
        return await committed_lag(kafka) if kafka is not None else {}

    async def dead_letters(self) -> dict[str, int]:
        """Messages kept in each of this group's dead-letter topics (end minus start offsets)."""
        kafka = self._kafka
        if kafka is None:
            return {}
        # created with the configured partitions at start
        return await dead_letter_depth(kafka, self._dlq_topics(), self.settings.topic_partitions)

    def stop(self) -> None:
        """Ask :meth:`run` to return once the records being handled are done (and committed);
        the rest is redelivered later."""
        self._stopping.set()

    async def run(self) -> None:
        """Consume until stopped or cancelled; connection failures are retried with backoff."""
        try:
            await self._connect()
            while not self._stopping.is_set():
                try:
                    await self._poll()
                except KafkaError as exc:  # aiokafka reconnects by itself; do not die
                    log.warning("consumer %s: fetch failed: %r", self.group, exc)
                    await self._pause(self.retry.max_backoff)
            await self._lanes.join()
            await self._commits.drain()
        finally:
            await self._lanes.cancel()
            self._commits.cancel()
            await self._close()

    async def _poll(self) -> None:
        if self._lanes.failure is not None:
            raise self._lanes.failure
        if self._lost.pending:
            with contextlib.suppress(IllegalStateError):  # rebalanced meanwhile: next poll
                await self._unless_stopped(
                    rewind_to_committed(self._kafka, self._lost, self.group, self._commits.forget)
                )
            return
        room = self.max_records - self._lanes.pending
        if room <= 0:  # enough in hand: fetch again once some finished
            await self._lanes.changed(within=0.2)
            return
        batch = await self._kafka.getmany(timeout_ms=200, max_records=room)
        for tp, records in batch.items():
            self._dispatch(tp, records)
        await self._commits.track_idle(self._kafka, batch)

    async def _connect(self) -> None:
        delay = self.retry.initial_backoff
        while not self._stopping.is_set():
            try:
                await self._start_clients()
                return
            except KafkaError as exc:
                log.warning(
                    "consumer %s: broker unreachable, retry in %.1fs: %r", self.group, delay, exc
                )
                await self._pause(delay)
                delay = min(delay * 2, self.retry.max_backoff)

    async def _start_clients(self) -> None:
        await ensure_topics(self.settings, [*self.topics, *self._dlq_topics()])
        await self._dlq.start()
        kafka = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            client_id=self.settings.client_id,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self.settings.session_timeout_ms,
            heartbeat_interval_ms=self.settings.heartbeat_interval_ms,
            metadata_max_age_ms=self.settings.metadata_max_age_ms,
            fetch_max_wait_ms=self.settings.fetch_max_wait_ms,
            request_timeout_ms=max(self.settings.request_timeout_ms, 40_000),
            **self.settings.client_security(),
        )
        kafka.subscribe(self.topics, listener=_Rebalance(self))
        self._lost.watch(kafka)
        try:
            await kafka.start()
        except BaseException:
            await kafka.stop()
            raise
        self._kafka = kafka

    async def _unless_stopped(self, work: Any) -> None:
        task, stopping = asyncio.ensure_future(work), asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not task.done():
                task.cancel()
            await asyncio.gather(task, stopping, return_exceptions=True)
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()

    def _dlq_topics(self) -> list[str]:
        return [dlq_topic(topic, self.group) for topic in self.topics]

    def _dispatch(self, tp: TopicPartition, records: list[ConsumerRecord]) -> None:
        """Queue a fetched batch on the lanes of its keys (no await: no rebalance in between)."""
        if tp not in self._kafka.assignment():
            return
        progress = self._commits.reading(tp, records[0].offset)
        for record in records:
            progress.take(record.offset)
            # One lane per aggregate across all topics read (products reads its orders' and
            # payments' events): two events of one order never run at once. No key: per partition.
            lane = record.key if record.key is not None else tp
            self._lanes.submit(lane, (progress, record))

    async def _handle(self, item: tuple[PartitionProgress, ConsumerRecord]) -> None:
        """One record in its key's lane: handled, then its partition's commit moved on."""
        progress, record = item
        if self._stopping.is_set() or self._commits.stale(progress):
            return  # uncommitted: redelivered to whoever owns the partition next
        self._counts["consumed"] += 1
        if not await self._attempts.process(record) or self._commits.stale(progress):
            return  # a commit now could land on a restarted broker and hide its records
        crash_point(f"consumer.{self.group}.handled")  # chaos suite: handled, not committed
        self._commits.finished(progress, record.offset)

    async def _pause(self, delay: float) -> bool:
        """Sleep ``delay`` unless asked to stop; True when the caller should carry on."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)
        return not self._stopping.is_set()

    async def _close(self) -> None:
        kafka, self._kafka = self._kafka, None
        if kafka is not None:
            await kafka.stop()
        await self._dlq.stop()
        self.assigned.clear()


class _Rebalance(ConsumerRebalanceListener):
    """Tells the runner when the group gives it partitions or takes them away."""

    def __init__(self, runner: EventConsumer) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.runner.assigned.clear()
        await self.runner._commits.release(revoked)

    async def on_partitions_assigned(self, assigned: Any) -> None:
        if assigned:
            self.runner.assigned.set()
