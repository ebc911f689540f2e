"""A consumer's partitions back to their committed offsets after a broken broker connection.

When a connection to the broker breaks, every assigned partition is paused at once
(:class:`streaming.reconnect.ConnectionLosses`), so nothing is fetched at the old positions: a
restarted embedded broker has forgotten its logs and offsets, and those positions point past the
first records of the new logs. Once the broker answers again, each partition is moved to its
committed offset (its beginning when none survived) and resumed. Records handled but not yet
committed are delivered again; a record still being handled meanwhile finishes first (its key's
lane keeps the order) and is not committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Set

from aiokafka import AIOKafkaConsumer, TopicPartition

from streaming.reconnect import ConnectionLosses

__all__ = ["rewind_to_committed"]

log = logging.getLogger("streaming.consumer")  # the consumer's messages keep one logger


async def rewind_to_committed(
    kafka: AIOKafkaConsumer,
    lost: ConnectionLosses,
    group: str,
    forget: Callable[[Set[TopicPartition]], None],
) -> None:
    """Every partition assigned to ``kafka`` back to its committed offset (the beginning when the
    broker has none), what was read of them ``forget``-ed, then fetching resumes. Waits while the
    broker is unreachable; a connection that broke again meanwhile leaves ``lost`` pending, for
    another call."""
    losses = lost.seen
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
    if losses != lost.seen:
        return  # broke again meanwhile: once more on the next poll
    log.warning("consumer %s: broker connection was lost, rewound to committed", group)
    forget(assigned)
    kafka.resume(*assigned)
    lost.recovered(losses)
