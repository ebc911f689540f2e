"""Every process sees every event of a topic: a broadcast listener feeding in-process streams.

Subscriptions need the opposite of a consumer group: whichever replica holds a subscriber must see
that aggregate's events, so each process reads *all* partitions itself, with no group (manual
assignment, nothing committed), starting at the end of the topic when it starts. Events are
decoded and handed to the streams listening for their key (the aggregate id). A stream's queue is
bounded: one that falls ``queue_size`` events behind ends with ``BroadcastOverflow`` instead of
growing. A broker that goes away is reconnected to; events published meanwhile are not replayed
(a subscription is live state, not a log). Partitions added after start are picked up on the
next reconnect only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from streaming.events import Envelope, decode
from streaming.settings import KafkaSettings
from streaming.topics import ensure_topics

__all__ = ["Broadcast", "BroadcastOverflow"]

log = logging.getLogger(__name__)
_END = object()


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
        try:
            yield _drain(queue)
        finally:
            self._queues[key].discard(queue)
            if not self._queues[key]:
                del self._queues[key]

    @property
    def listeners(self) -> int:
        return sum(len(queues) for queues in self._queues.values())

    def deliver(self, event: Envelope) -> None:
        """Hand ``event`` to the listeners of its key (what the reader does per record)."""
        self.received += 1
        for queue in list(self._queues.get(event.key, ())):
            if queue.qsize() >= self.queue_size:
                queue.put_nowait(_END)
                self._queues[event.key].discard(queue)
            else:
                queue.put_nowait(event)

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
            fetch_max_wait_ms=self.settings.fetch_max_wait_ms,
        )
        await consumer.start()
        try:
            await self._assign_at_end(consumer)
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                for records in batch.values():
                    self._dispatch(records)
        finally:
            await consumer.stop()

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

    def _dispatch(self, records: list[Any]) -> None:
        for record in records:
            try:
                event = decode(record.value)
            except Exception as error:  # a poison record is skipped here, dead-lettered elsewhere
                log.warning("broadcast %s: undecodable record at %s: %s", self.topic,
                            record.offset, error)
                continue
            self.deliver(event)


async def _drain(queue: asyncio.Queue[Any]) -> AsyncIterator[Envelope]:
    while True:
        item = await queue.get()
        if item is _END:
            raise BroadcastOverflow("the listener fell behind its events")
        yield item
