"""Consumer runner: group subscription, retries with backoff, dead letters, manual commits.

Each record is decoded, handed to the handler, and its offset committed only afterwards, so
delivery is at-least-once; handlers wrapped by :func:`streaming.inbox.idempotent` make it
effectively once. Records of one key (one aggregate: an order) are handled strictly in order,
one at a time, also across the topics a consumer reads; records of other keys, in the same
partition or another, at the same time, up to
``KafkaSettings.consumer_concurrency`` (:mod:`streaming.lanes`). A partition's commit covers only
the contiguous run of finished records at its front (:mod:`streaming.progress`), so a record still
being handled is never committed over, whatever finished after it.

A failing handler is retried with exponential backoff; after the last attempt (or at once for a
:class:`PoisonMessageError`, e.g. undecodable bytes) the record goes to ``<topic>.<group>.dlq``
and its key moves on. Transient errors (infrastructure down, :class:`TransientError`) are
retried until they pass. An attempt that runs longer than ``KafkaSettings.handler_timeout_ms``
is cancelled and fails with :class:`HandlerTimeoutError`, so a hung handler cannot hold its key
(and its partition's commit) forever.

When a connection to the broker breaks, the runner pauses every assigned partition at once, so
nothing is fetched at the old positions: a restarted embedded broker has forgotten its logs and
offsets, and those positions point past the first records of the new logs. Once the broker
answers again, each partition is moved to its committed offset (its beginning when none
survived) and resumed. Records handled but not yet committed are delivered again; a record
still being handled meanwhile finishes first (its key's lane keeps the order) and is not
committed. The same holds for partitions the group takes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError
from aiokafka.structs import ConsumerRecord

from common.faults import crash_point
from streaming.deadletter import dead_letter_message
from streaming.events import Envelope, PoisonMessageError, decode
from streaming.handlers import EventHandler
from streaming.lanes import KeyLanes
from streaming.producer import EventProducer
from streaming.progress import PartitionProgress
from streaming.reconnect import ConnectionLosses
from streaming.retry import TRANSIENT, HandlerTimeoutError, RetryPolicy
from streaming.settings import KafkaSettings
from streaming.topics import dlq_topic, ensure_topics
from streaming.tracing import handling_span

__all__ = ["TRANSIENT", "ConsumerStats", "EventConsumer", "HandlerTimeoutError", "RetryPolicy"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConsumerStats:
    """A snapshot for /ready or metrics; ``lag`` maps ``topic/partition`` to records behind."""

    group: str
    consumed: int = 0
    handled: int = 0
    retried: int = 0
    dead_lettered: int = 0
    lag: dict[str, int] = field(default_factory=dict)

    @property
    def total_lag(self) -> int:
        return sum(self.lag.values())

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total_lag": self.total_lag}


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
        self._next: dict[TopicPartition, int] = {}  # first offset not yet handled
        self._lost = ConnectionLosses()  # broken broker connections not yet rewound after
        self._lanes: KeyLanes[tuple[PartitionProgress, ConsumerRecord]] = KeyLanes(
            self._handle, self.settings.consumer_concurrency
        )
        self._progress: dict[TopicPartition, PartitionProgress] = {}  # current reading only
        self._ready: dict[TopicPartition, int] = {}  # offsets to commit, newest per partition
        self._committer: asyncio.Task[None] | None = None

    def stats(self) -> ConsumerStats:
        """Counters since start, and lag = high watermark (as of the last fetch) minus the
        first unhandled offset, per assigned partition."""
        return ConsumerStats(self.group, **self._counts, lag=self._lag())

    async def committed_lag(self) -> dict[TopicPartition, int]:
        """Records behind per assigned partition, from the broker: end offset minus the
        group's committed offset (the beginning when none is committed). Empty unless running."""
        kafka = self._kafka
        assigned = sorted(kafka.assignment()) if kafka is not None else []
        if not assigned:
            return {}
        ends = await kafka.end_offsets(assigned)
        starts = await kafka.beginning_offsets(assigned)
        lag = {}
        for tp in assigned:
            committed = await kafka.committed(tp)
            lag[tp] = max(ends[tp] - (starts[tp] if committed is None else committed), 0)
        return lag

    async def dead_letters(self) -> dict[str, int]:
        """Messages kept in each of this group's dead-letter topics (end minus start offsets)."""
        kafka = self._kafka
        if kafka is None:
            return {}
        depth = {}
        for topic in self._dlq_topics():  # created with the configured partitions at start
            partitions = kafka.partitions_for_topic(topic) or range(self.settings.topic_partitions)
            tps = [TopicPartition(topic, p) for p in partitions]
            ends, starts = await kafka.end_offsets(tps), await kafka.beginning_offsets(tps)
            depth[topic] = sum(ends[tp] - starts[tp] for tp in tps)
        return depth

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
            if self._committer is not None:
                await self._committer
            await self._flush_commits()
        finally:
            await self._lanes.cancel()
            if self._committer is not None:
                self._committer.cancel()
            await self._close()

    async def _poll(self) -> None:
        if self._lanes.failure is not None:
            raise self._lanes.failure
        if self._lost.pending:
            with contextlib.suppress(IllegalStateError):  # rebalanced meanwhile: next poll
                await self._unless_stopped(self._rewind())
            return
        room = self.max_records - self._lanes.pending
        if room <= 0:  # enough in hand: fetch again once some finished
            await self._lanes.changed(within=0.2)
            return
        batch = await self._kafka.getmany(timeout_ms=200, max_records=room)
        for tp, records in batch.items():
            self._dispatch(tp, records)
        await self._track_idle_partitions(batch)

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

    async def _rewind(self) -> None:
        """Every assigned partition back to its committed offset (the beginning when the broker
        has none), then fetching resumes; waits while the broker is unreachable."""
        kafka, losses = self._kafka, self._lost.seen
        assigned = kafka.assignment()
        kafka.pause(*assigned)
        uncommitted = []
        for tp in sorted(assigned):
            offset = await kafka.committed(tp)
            if offset is None:
                uncommitted.append(tp)
            else:
                kafka.seek(tp, offset)
        if uncommitted:
            await kafka.seek_to_beginning(*uncommitted)
        if losses != self._lost.seen:
            return  # broke again meanwhile: once more on the next poll
        log.warning("consumer %s: broker connection was lost, rewound to committed", self.group)
        self._forget(assigned)
        kafka.resume(*assigned)
        self._lost.recovered(losses)

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
        progress = self._progress.get(tp)
        if progress is None:
            progress = self._progress[tp] = PartitionProgress(tp, records[0].offset)
            self._next[tp] = progress.next
        for record in records:
            progress.take(record.offset)
            # One lane per aggregate across all topics read (products reads its orders' and
            # payments' events): two events of one order never run at once. No key: per partition.
            lane = record.key if record.key is not None else tp
            self._lanes.submit(lane, (progress, record))

    async def _handle(self, item: tuple[PartitionProgress, ConsumerRecord]) -> None:
        """One record in its key's lane: handled, then its partition's commit moved on."""
        progress, record = item
        if self._stopping.is_set() or self._stale(progress):
            return  # uncommitted: redelivered to whoever owns the partition next
        self._counts["consumed"] += 1
        if not await self._process(record) or self._stale(progress):
            return  # a commit now could land on a restarted broker and hide its records
        crash_point(f"consumer.{self.group}.handled")  # chaos suite: handled, not committed
        offset = progress.finish(record.offset)
        if offset is not None:
            self._next[progress.tp] = offset
            self._commit_soon(progress.tp, offset)

    def _stale(self, progress: PartitionProgress) -> bool:
        """True once the reading ``progress`` belongs to was rewound or its partition revoked."""
        return self._lost.pending or self._progress.get(progress.tp) is not progress

    async def _release(self, revoked: Any) -> None:
        """Partitions taken away: commit what finished, forget the rest (the next owner
        redelivers it; a handler still running finishes in its lane, uncommitted)."""
        offsets = {tp: self._ready[tp] for tp in revoked if tp in self._ready}
        self._forget(revoked)
        if offsets and self._kafka is not None and not self._lost.pending:
            try:
                await self._kafka.commit(offsets)
            except (KafkaError, IllegalStateError) as exc:
                log.warning("consumer %s: commit on revoke failed: %r", self.group, exc)

    def _forget(self, tps: Any) -> None:
        """Drop what was read of ``tps``: the next fetch starts a new reading of each."""
        for tp in tps:
            self._next.pop(tp, None)
            self._progress.pop(tp, None)
            self._ready.pop(tp, None)

    async def _process(self, record: ConsumerRecord) -> bool:
        """Handle, retry or dead-letter one record; False when stopped before it was done."""
        try:
            event = decode(record.value)
        except PoisonMessageError as exc:
            return await self._dead_letter(record, exc, attempts=0)
        attempt = 0
        while True:
            attempt += 1
            try:
                with handling_span(event, self.group, record.headers or ()):
                    await self._attempt(event)
            except PoisonMessageError as exc:
                return await self._dead_letter(record, exc, attempts=attempt)
            except Exception as exc:
                if self.retry.gives_up(exc, attempt):
                    return await self._dead_letter(record, exc, attempts=attempt)
                if not await self._backoff(record, exc, attempt):
                    return False
            else:
                self._counts["handled"] += 1
                return True

    async def _attempt(self, event: Envelope) -> None:
        """One call of the handler, cancelled after ``handler_timeout_ms`` (0: never)."""
        limit = self.settings.handler_timeout_ms / 1000 or None
        deadline = asyncio.timeout(limit)
        try:
            async with deadline:
                await self.handler(event)
        except TimeoutError as exc:
            if not deadline.expired():
                raise  # the handler's own (transient) timeout, e.g. its database's
            raise HandlerTimeoutError(f"handler did not finish within {limit:g} s") from exc

    async def _backoff(self, record: ConsumerRecord, exc: Exception, attempt: int) -> bool:
        self._counts["retried"] += 1
        delay = self.retry.delay(attempt)
        log.warning(
            "consumer %s: %s/%d@%d failed (attempt %d), retry in %.2fs: %r",
            *(self.group, record.topic, record.partition, record.offset, attempt, delay, exc),
        )
        return await self._pause(delay)

    async def _dead_letter(self, record: ConsumerRecord, exc: BaseException, attempts: int) -> bool:
        message = dead_letter_message(record, self.group, exc, attempts)
        delay = self.retry.initial_backoff
        while True:  # never drop: keep trying until the dead letter is stored or we stop
            try:
                await self._dlq.ensure_topics([message.topic])
                await self._dlq.send(message)
                break
            except KafkaError as error:
                log.warning("consumer %s: dead letter not stored yet: %r", self.group, error)
                if not await self._pause(delay):
                    return False
                delay = min(delay * 2, self.retry.max_backoff)
        self._counts["dead_lettered"] += 1
        log.error(
            "consumer %s: dead-lettered %s after %d attempts: %r",
            self.group,
            message.topic,
            attempts,
            exc,
        )
        return True

    def _commit_soon(self, tp: TopicPartition, offset: int) -> None:
        """Commit in the background, many partitions' offsets in one request when they pile up
        while a commit is on its way; handling goes on meanwhile."""
        self._ready[tp] = offset
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._flush_commits())

    async def _flush_commits(self) -> None:
        while self._ready and not self._lost.pending and self._kafka is not None:
            assigned = self._kafka.assignment()
            offsets = {tp: o for tp, o in self._ready.items() if tp in assigned}
            self._ready = {}
            try:
                if offsets:
                    await self._kafka.commit(offsets)
            except (KafkaError, IllegalStateError) as exc:  # rebalanced: the new owner redelivers
                log.warning("consumer %s: commit of %s failed: %r", self.group, offsets, exc)

    async def _track_idle_partitions(self, batch: dict) -> None:
        for tp in self._kafka.assignment() - batch.keys() - self._next.keys():
            with contextlib.suppress(KafkaError, AssertionError):  # revoked meanwhile
                self._next[tp] = await self._kafka.position(tp)

    def _lag(self) -> dict[str, int]:
        kafka, lag = self._kafka, {}
        for tp in kafka.assignment() if kafka is not None else ():
            highwater, done = kafka.highwater(tp), self._next.get(tp)
            if highwater is not None and done is not None:
                lag[f"{tp.topic}/{tp.partition}"] = max(highwater - done, 0)
        return lag

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
        await self.runner._release(revoked)

    async def on_partitions_assigned(self, assigned: Any) -> None:
        if assigned:
            self.runner.assigned.set()
