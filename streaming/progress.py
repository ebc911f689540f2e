"""Which offset of a partition may be committed when its records finish out of order.

Kafka keeps one committed offset per partition and group: everything before it counts as done.
Records of different keys finish in any order, so the commit may only move over the contiguous
run of finished records at the front; it never passes a record still being handled (a crash
then redelivers that record and, harmlessly, the later ones behind it).
"""

from __future__ import annotations

from collections import deque

from aiokafka import TopicPartition

__all__ = ["PartitionProgress"]


class PartitionProgress:
    """The records of one partition taken since this member (re)started reading it."""

    def __init__(self, tp: TopicPartition, first: int) -> None:
        self.tp = tp
        self.next = first  # first offset not yet finished: what a commit would store
        self._taken: deque[int] = deque()  # offsets handed out, in fetch order, not yet passed
        self._finished: set[int] = set()

    def take(self, offset: int) -> None:
        """A record handed to a handler (offsets arrive in increasing order)."""
        self._taken.append(offset)

    def finish(self, offset: int) -> int | None:
        """Record ``offset`` as done; the new committable offset when the front moved, else None."""
        self._finished.add(offset)
        moved = False
        while self._taken and self._taken[0] in self._finished:
            self._finished.discard(done := self._taken.popleft())
            self.next, moved = done + 1, True
        return self.next if moved else None
