"""Coalesced commits (issue 17): one OffsetCommit per interval, not one per handled record, yet a
clean stop or a rebalance commits everything finished, and a crash's redelivery has one effect."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer

from streaming.consumer import EventConsumer
from streaming.events import Envelope
from streaming.inbox import idempotent
from streaming.lifecycle import running
from tests.streaming.conftest import EFFECTS
from tests.streaming.harness import eventually, unique_name
from tests.streaming.test_consumer import orders, publish
from tests.streaming.test_inbox import count, record

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Every commit request any consumer sends, with its offsets."""
    sent: list[dict] = []
    commit = AIOKafkaConsumer.commit

    async def counted(self: AIOKafkaConsumer, offsets: dict | None = None) -> None:
        sent.append(dict(offsets or {}))
        await commit(self, offsets)

    monkeypatch.setattr(AIOKafkaConsumer, "commit", counted)
    return sent


async def test_records_handled_within_an_interval_share_one_commit_and_stop_commits_the_last(
    kafka_settings, commits
):
    settings = kafka_settings.model_copy(update={"commit_interval_ms": 5_000})
    topic, group, seen = unique_name("orders"), unique_name("group"), []

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    consumer = EventConsumer([topic], group, handle, settings=settings)
    async with running(consumer):
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        for n, event in enumerate(orders(12), 1):  # each handled before the next arrives
            await publish(settings, topic, event)
            await eventually(lambda n=n: len(seen) == n)
        assert commits == []  # nothing yet: the interval has not passed
    # stopped cleanly: everything handled committed at once, in one request

    assert len(commits) == 1 and len(seen) == 12
    assert await _handed_to_next_member(settings, topic, group) == []


async def test_a_commit_follows_handled_records_within_the_interval(kafka_settings, commits):
    settings = kafka_settings.model_copy(update={"commit_interval_ms": 300})
    topic, seen = unique_name("orders"), []

    async def handle(event: Envelope) -> None:
        seen.append(event.id)

    consumer = EventConsumer([topic], unique_name("group"), handle, settings=settings)
    async with running(consumer):
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        await publish(settings, topic, *orders(8))
        await eventually(lambda: len(seen) == 8)
        await eventually(lambda: _none_behind(consumer), within=3)
        assert 1 <= len(commits) <= 3


async def test_a_crash_before_the_commit_redelivers_records_the_inbox_absorbs(
    kafka_settings, sessions, engine
):
    settings = kafka_settings.model_copy(update={"commit_interval_ms": 60_000})
    topic, group = unique_name("orders"), unique_name("group")
    handled: list[object] = []
    inner = idempotent(sessions, group, record)

    async def handle(event: Envelope) -> None:
        await inner(event)
        handled.append(event.id)

    events = orders(6)
    for target in (6, 12):  # the first member crashes before committing; the second is handed all
        consumer = EventConsumer([topic], group, handle, settings=settings)
        task = asyncio.create_task(consumer.run())
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        if not handled:
            await publish(settings, topic, *events)
        await eventually(lambda target=target: len(handled) >= target)
        task.cancel()  # as abrupt as a kill
        await asyncio.gather(task, return_exceptions=True)

    assert len(handled) == 12  # every record delivered twice ...
    assert await count(engine, EFFECTS) == 6  # ... and each had one effect


async def test_partitions_taken_away_commit_what_finished_without_waiting_for_the_interval(
    kafka_settings,
):
    settings = kafka_settings.model_copy(update={"commit_interval_ms": 60_000})
    topic, group = unique_name("orders"), unique_name("group")
    first: list[object] = []
    second: list[object] = []

    async def one(event: Envelope) -> None:
        first.append(event.id)

    async def two(event: Envelope) -> None:
        second.append(event.id)

    events = orders(8)
    a = EventConsumer([topic], group, one, settings=settings)
    b = EventConsumer([topic], group, two, settings=settings)
    async with running(a):
        await asyncio.wait_for(a.assigned.wait(), 15)
        await publish(settings, topic, *events)
        await eventually(lambda: len(first) == 8)
        async with running(b):  # the group moves partitions from a to b
            await asyncio.wait_for(b.assigned.wait(), 15)
            await asyncio.sleep(1.0)  # room for a redelivery to show up

    assert second == []


async def _handed_to_next_member(settings, topic: str, group: str) -> list[object]:
    """What a new member of ``group`` is handed within a second of joining."""
    again: list[object] = []

    async def handle(event: Envelope) -> None:
        again.append(event.id)

    consumer = EventConsumer([topic], group, handle, settings=settings)
    async with running(consumer):
        await asyncio.wait_for(consumer.assigned.wait(), 15)
        await asyncio.sleep(1.0)
    return again


def _none_behind(consumer: EventConsumer) -> object:
    async def check() -> bool:
        return sum((await consumer.committed_lag()).values()) == 0

    return check()
