"""What a consumer reports: its counters and lag in memory, and its backlog as the broker sees it.

``ConsumerStats`` is the snapshot ``/ready`` and the metrics read without a broker round trip;
:func:`committed_lag` and :func:`dead_letter_depth` ask the broker (offsets, not records).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

__all__ = ["ConsumerStats", "committed_lag", "dead_letter_depth"]


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


async def committed_lag(kafka: AIOKafkaConsumer) -> dict[TopicPartition, int]:
    """Records behind per partition assigned to ``kafka``: end offset minus the group's
    committed offset (the beginning when none is committed)."""
    assigned = sorted(kafka.assignment())
    if not assigned:
        return {}
    # concurrently: one request per partition one after another made a scrape of /metrics
    # take most of a second on the embedded broker, past Prometheus' scrape timeout
    ends, starts, *committed = await asyncio.gather(
        kafka.end_offsets(assigned), kafka.beginning_offsets(assigned),
        *(kafka.committed(tp) for tp in assigned))
    return {tp: max(ends[tp] - (starts[tp] if done is None else done), 0)
            for tp, done in zip(assigned, committed, strict=True)}


async def dead_letter_depth(
    kafka: AIOKafkaConsumer, topics: Iterable[str], partitions: int
) -> dict[str, int]:
    """Messages kept in each of ``topics`` (end minus start offsets); ``partitions`` is the
    count assumed for a topic whose metadata ``kafka`` has not seen."""
    async def depth(topic: str) -> int:
        found = kafka.partitions_for_topic(topic) or range(partitions)
        tps = [TopicPartition(topic, p) for p in found]
        ends, starts = await asyncio.gather(kafka.end_offsets(tps), kafka.beginning_offsets(tps))
        return sum(ends[tp] - starts[tp] for tp in tps)

    topics = list(topics)
    return dict(zip(topics, await asyncio.gather(*map(depth, topics)), strict=True))
