"""What a consumer has read and finished of each partition, and committing it in the background.

Each assigned partition has a current reading (:class:`streaming.progress.PartitionProgress`)
from the first record fetched since this member (re)started reading it. A partition's commit
covers only the contiguous run of finished records at its front, so a record still being handled
is never committed over, whatever finished after it. Commits run in the background, at most one
request per ``interval`` carrying every partition's newest offset (issue 17: one OffsetCommit per
handled record was a broker request and a client round trip per event per group); none is sent
while a broken broker connection waits to be rewound after (it could land on a restarted broker
and hide its records). A crash redelivers what finished since the last commit (at most one
interval's worth more than with a commit per record), which the consumers' inbox absorbs. A clean
stop commits everything finished at once, and partitions the group takes away commit what
finished and forget the rest (the next owner redelivers it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError

from streaming.progress import PartitionProgress
from streaming.reconnect import ConnectionLosses

__all__ = ["CommitTracker"]

log = logging.getLogger("streaming.consumer")  # the consumer's messages keep one logger


class CommitTracker:
    """The readings of one consumer's partitions, the first unhandled offset of each (for lag),
    and the offsets waiting to be committed; ``kafka`` gives the running client (or None);
    ``interval``: seconds between two commits (0: each as soon as the one before returned)."""

    def __init__(
        self,
        group: str,
        lost: ConnectionLosses,
        kafka: Callable[[], AIOKafkaConsumer | None],
        interval: float = 0.0,
    ) -> None:
        self.group = group
        self._lost = lost
        self._kafka = kafka
        self._interval = interval
        self._hurry = asyncio.Event()  # stopping: commit now, not at the end of the interval
        self.next: dict[TopicPartition, int] = {}  # first offset not yet handled
        self._progress: dict[TopicPartition, PartitionProgress] = {}  # current reading only
        self._ready: dict[TopicPartition, int] = {}  # offsets to commit, newest per partition
        self._committer: asyncio.Task[None] | None = None

    def reading(self, tp: TopicPartition, first: int) -> PartitionProgress:
        """The current reading of ``tp``; a new one from offset ``first`` when there is none."""
        progress = self._progress.get(tp)
        if progress is None:
            progress = self._progress[tp] = PartitionProgress(tp, first)
            self.next[tp] = progress.next
        return progress

    def stale(self, progress: PartitionProgress) -> bool:
        """True once the reading ``progress`` belongs to was rewound or its partition revoked."""
        return self._lost.pending or self._progress.get(progress.tp) is not progress

    def finished(self, progress: PartitionProgress, offset: int) -> None:
        """Record ``offset`` of ``progress`` handled; its partition's commit moves on when the
        front of finished records did."""
        moved = progress.finish(offset)
        if moved is not None:
            self.next[progress.tp] = moved
            self._commit_soon(progress.tp, moved)

    async def release(self, revoked: Iterable[TopicPartition]) -> None:
        """Partitions taken away: commit what finished, forget the rest (the next owner
        redelivers it; a handler still running finishes in its lane, uncommitted)."""
        revoked = list(revoked)
        offsets = {tp: self._ready[tp] for tp in revoked if tp in self._ready}
        self.forget(revoked)
        kafka = self._kafka()
        if offsets and kafka is not None and not self._lost.pending:
            try:
                await kafka.commit(offsets)
            except (KafkaError, IllegalStateError) as exc:
                log.warning("consumer %s: commit on revoke failed: %r", self.group, exc)

    def forget(self, tps: Iterable[TopicPartition]) -> None:
        """Drop what was read of ``tps``: the next fetch starts a new reading of each."""
        for tp in tps:
            self.next.pop(tp, None)
            self._progress.pop(tp, None)
            self._ready.pop(tp, None)

    async def drain(self) -> None:
        """At stop: the commit on its way (without waiting out its interval), then whatever
        finished since."""
        self._hurry.set()
        if self._committer is not None:
            await self._committer
        await self.flush()

    def cancel(self) -> None:
        """Abandon the commit on its way (the records are redelivered)."""
        if self._committer is not None:
            self._committer.cancel()

    async def flush(self) -> None:
        """Commit every ready offset of a partition still assigned, until none is left."""
        while self._committable():
            await self._commit_ready()

    def _committable(self) -> bool:
        return bool(self._ready) and not self._lost.pending and self._kafka() is not None

    async def _commit_ready(self) -> None:
        """One request with the ready offsets of the partitions still assigned."""
        kafka = self._kafka()
        if kafka is None:
            return
        assigned = kafka.assignment()
        offsets = {tp: o for tp, o in self._ready.items() if tp in assigned}
        self._ready = {}
        try:
            if offsets:
                await kafka.commit(offsets)
        except (KafkaError, IllegalStateError) as exc:  # rebalanced: the new owner redelivers
            log.warning("consumer %s: commit of %s failed: %r", self.group, offsets, exc)

    async def track_idle(self, kafka: AIOKafkaConsumer, fetched: Iterable[TopicPartition]) -> None:
        """Partitions that gave nothing yet: their position is their first unhandled offset."""
        for tp in kafka.assignment() - set(fetched) - self.next.keys():
            with contextlib.suppress(KafkaError, AssertionError):  # revoked meanwhile
                self.next[tp] = await kafka.position(tp)

    def lag(self) -> dict[str, int]:
        """High watermark (as of the last fetch) minus the first unhandled offset, per assigned
        partition, keyed ``topic/partition``."""
        kafka, lag = self._kafka(), {}
        for tp in kafka.assignment() if kafka is not None else ():
            highwater, done = kafka.highwater(tp), self.next.get(tp)
            if highwater is not None and done is not None:
                lag[f"{tp.topic}/{tp.partition}"] = max(highwater - done, 0)
        return lag

    def _commit_soon(self, tp: TopicPartition, offset: int) -> None:
        """Commit in the background within ``interval``, the offsets of every partition that
        finished records meanwhile in one request; handling goes on meanwhile."""
        self._ready[tp] = offset
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_every_interval())

    async def _commit_every_interval(self) -> None:
        """Wait out the interval (unless stopping), commit what is ready; again while records
        finished meanwhile."""
        while self._committable():
            if self._interval > 0 and not self._hurry.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._hurry.wait(), self._interval)
            if self._committable():  # a connection may have broken meanwhile
                await self._commit_ready()
