"""Every process sees every event of a topic: a broadcast listener feeding in-process streams.

Subscriptions need the opposite of a consumer group: whichever replica holds a subscriber must see
that aggregate's events, so each process reads *all* partitions itself, with no group (manual
assignment, nothing committed), starting at the end of the topic when it starts. Events are
decoded and handed to the streams listening for their key (the aggregate id). A stream's queue is
bounded: one that falls ``queue_size`` events behind ends with ``BroadcastOverflow`` instead of
growing. Partitions added to the topic are read from their beginning once the metadata shows
them (every ``metadata_max_age_ms``).

A broken broker connection pauses every partition at once (:class:`ConnectionLosses`). Once
the broker answers, a partition whose log went backwards (its end is below the reader's
position), or whose records written since the loss lie below that position, is read from the
first such record: a restarted embedded broker comes back empty and its new log may already have
grown past the old position. Every other partition keeps its position, so a reconnect to a
broker that kept its log replays nothing. Events the broker lost in a restart are gone; a
subscription is live state, not a log.

Fetches wait ``fetch_max_wait_ms`` only while that buys something (``streaming.pacing``): within
10 s after an event from another replica arrived, and while this process has a listener.
Otherwise (a one-replica deployment: its own relay's events come through ``published()``, and
the broker's copies are only skipped) they wait ``feed_quiet_fetch_max_wait_ms``, so an idle or
self-fed feed costs the embedded broker and this process a fetch every 500 ms instead of every
25-100 ms. The price, on the embedded broker only (it answers a waiting fetch later the longer
the wait; real Kafka answers as data arrives): the first event from another replica after a
quiet spell, or the first one a new listener gets while the feed had none, reaches it up to that
quiet wait (plus one ``fetch_max_wait_ms``) late (measured at 500 ms: 10-220 ms, median ~70 ms);
the events after it come at the short wait again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndTimestamp

from streaming.events import Envelope, decode
from streaming.pacing import FetchPace, set_fetch_wait
from streaming.reconnect import ConnectionLosses
from streaming.settings import KafkaSettings
from streaming.topics import ensure_topics

__all__ = ["Broadcast", "BroadcastOverflow"]

log = logging.getLogger(__name__)
_END = object()
_REMEMBERED = 10_000  # ids of events delivered ahead of the broker, until its copy arrives
_FOREIGN_WINDOW_S = 10.0  # fetch at the short wait this long after another replica's event


class BroadcastOverflow(Exception):
    """The listener fell too far behind its events; it was ended."""


class Broadcast:
    """One topic, read whole by this process; ``listen(key)`` streams one aggregate's events."""

    def __init__(self, settings: KafkaSettings, topic: str, *, queue_size: int = 100) -> None:
        self.settings = settings
        self.topic = topic
        self.queue_size = queue_size
        self._queues: dict[str, set[asyncio.Queue[Any]]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()  # set once positioned at the end of every partition
        self.received = 0
        self.recoveries = 0  # times the reader re-positioned itself after a broken connection
        self._kafka: AIOKafkaConsumer | None = None
        self._ahead: OrderedDict[str, None] = OrderedDict()  # delivered before the broker's copy
        self._pace = FetchPace(settings.fetch_max_wait_ms, settings.feed_quiet_fetch_max_wait_ms,
                               _FOREIGN_WINDOW_S)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @contextlib.asynccontextmanager
    async def listen(self, key: str) -> AsyncIterator[AsyncIterator[Envelope]]:
        """The events of aggregate ``key`` from now on, while the context is open."""
        queue: asyncio.Queue[Any] = asyncio.Queue()
        self._queues[key].add(queue)
        self._repace()
        try:
            yield _drain(queue)
        finally:
            self._queues[key].discard(queue)
            if not self._queues[key]:
                del self._queues[key]
            self._repace()

    @property
    def listeners(self) -> int:
        return sum(len(queues) for queues in self._queues.values())

    @property
    def fetch_wait_ms(self) -> int:
        """How long the reader's next fetch waits (see the module docstring)."""
        return self._pace.wait_ms(wanted=bool(self._queues))

    def deliver(self, event: Envelope) -> None:
        """Hand ``event`` to the listeners of its key (what the reader does per record)."""
        self.received += 1
        for queue in list(self._queues.get(event.key, ())):
            if queue.qsize() >= self.queue_size:
                queue.put_nowait(_END)
                self._queues[event.key].discard(queue)
            else:
                queue.put_nowait(event)

    def published(self, topic: str, value: bytes) -> None:
        """A record this process's outbox relay just published (the broker acknowledged it):
        delivered now rather than a fetch later, and its copy from the broker is skipped.

        Other replicas still see it through the broker. Order per key holds: one relay at a
        time publishes an outbox in id order, and each record is told only once acknowledged.
        """
        if topic != self.topic:
            return
        try:
            event = decode(value)
        except Exception:  # the broker's copy is skipped by _dispatch too
            return
        self._ahead[str(event.id)] = None
        if len(self._ahead) > _REMEMBERED:  # copies a restarted broker lost never come
            self._ahead.popitem(last=False)
        self.deliver(event)

    async def _run(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._consume()
            except (KafkaError, OSError) as error:
                self.ready.clear()
                log.warning("broadcast %s: broker unreachable, retry in %.1fs: %r",
                            self.topic, delay, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _consume(self) -> None:
        await ensure_topics(self.settings, [self.topic])
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            client_id=self.settings.client_id,
            group_id=None,  # a broadcast: no group, every process reads every partition
            enable_auto_commit=False,
            auto_offset_reset="latest",
            metadata_max_age_ms=self.settings.metadata_max_age_ms,
            fetch_max_wait_ms=self.fetch_wait_ms,
            request_timeout_ms=self.settings.request_timeout_ms,
            **self.settings.client_security(),
        )
        lost = ConnectionLosses()
        lost.watch(consumer)
        await consumer.start()
        self._kafka = consumer
        try:
            await self._assign_at_end(consumer)
            while True:
                await self._read(consumer, lost)
        finally:
            self._kafka = None
            await consumer.stop()

    async def _read(self, consumer: AIOKafkaConsumer, lost: ConnectionLosses) -> None:
        try:
            if lost.pending:
                await self._recover(consumer, lost)
                return
            await self._follow_partitions(consumer, lost)
        except KafkaError as error:  # offset lookups failed: the broker is (still) away
            log.warning("broadcast %s: offsets not found yet: %r", self.topic, error)
            await asyncio.sleep(0.2)
            return
        self._repace()  # the short wait's window may have closed
        batch = await consumer.getmany(timeout_ms=200)
        for records in batch.values():
            self._dispatch(records)
        self._repace()  # before the fetcher asks again: it waits for these records to be read

    async def _assign_at_end(self, consumer: AIOKafkaConsumer) -> None:
        while not (partitions := consumer.partitions_for_topic(self.topic)):
            await consumer.topics()  # refreshes metadata
            await asyncio.sleep(0.1)
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_end(*tps)
        for tp in tps:  # resolve the end offsets now, so later events are never skipped
            await consumer.position(tp)
        self.ready.set()

    async def _recover(self, consumer: AIOKafkaConsumer, lost: ConnectionLosses) -> None:
        """Once the broker answers after a broken connection: a partition whose log went
        backwards, or holds records written since the loss below the reader's position (the
        broker restarted empty and the new log grew meanwhile), is read again from the first such
        record (the beginning of the new log); the others keep their position. Then resume."""
        seen, since = lost.seen, lost.since_ms
        await self._follow_partitions(consumer, lost)
        tps = sorted(consumer.assignment())
        starts, ends = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
        written = await consumer.offsets_for_times(dict.fromkeys(tps, since)) if since else {}
        moved = {}
        for tp in tps:
            position = await consumer.position(tp)
            first_new = _offset_found(written.get(tp))
            if position > ends[tp]:
                moved[tp] = starts[tp]
            elif first_new is not None and first_new < position:
                moved[tp] = first_new
        if seen != lost.seen:
            return  # broke again meanwhile: the broker may have restarted since, look again
        for tp, offset in moved.items():
            consumer.seek(tp, offset)
        consumer.resume(*tps)
        lost.recovered(seen)
        self.recoveries += 1
        if moved:
            log.warning("broadcast %s: the broker lost its log, reading again from %s",
                        self.topic, {tp.partition: offset for tp, offset in moved.items()})

    async def _follow_partitions(self, consumer: AIOKafkaConsumer, lost: ConnectionLosses) -> None:
        """Read the partitions the topic has now (as of the last metadata): new ones from their
        beginning (all their events are new), gone ones no more; the others keep their position."""
        current = consumer.partitions_for_topic(self.topic)
        assigned = consumer.assignment()
        if not current or {tp.partition for tp in assigned} == current:
            return
        wanted = {TopicPartition(self.topic, p) for p in current}
        added = sorted(wanted - assigned)
        offsets = await consumer.beginning_offsets(added) if added else {}
        for tp in assigned & wanted:
            offsets[tp] = await consumer.position(tp)
        if consumer.assignment() != assigned:
            return  # changed meanwhile: look again on the next pass
        consumer.assign(sorted(wanted))  # replaces the assignment, positions included
        for tp, offset in offsets.items():
            consumer.seek(tp, offset)
        if lost.pending:
            consumer.pause(*wanted)
        log.info("broadcast %s: now reading partitions %s", self.topic, sorted(current))

    def _dispatch(self, records: list[Any]) -> None:
        for record in records:
            try:
                event = decode(record.value)
            except Exception as error:  # a poison record is skipped here, dead-lettered elsewhere
                log.warning("broadcast %s: undecodable record at %s: %s", self.topic,
                            record.offset, error)
                continue
            if str(event.id) in self._ahead:
                del self._ahead[str(event.id)]
                continue  # already delivered by published()
            self._pace.needed()  # another replica's event: more may follow
            self.deliver(event)

    def _repace(self) -> None:
        if self._kafka is not None:
            set_fetch_wait(self._kafka, self.fetch_wait_ms)


async def _drain(queue: asyncio.Queue[Any]) -> AsyncIterator[Envelope]:
    while True:
        item = await queue.get()
        if item is _END:
            raise BroadcastOverflow("the listener fell behind its events")
        yield item


def _offset_found(found: OffsetAndTimestamp | None) -> int | None:
    """The offset an offsets-for-times lookup found; None when no record is that recent (the
    embedded broker then answers offset 0 with timestamp -1 instead of nothing)."""
    if found is None or found.timestamp < 0:
        return None
    return found.offset
