"""Idempotent inbox: redelivered events have one effect, also across a killed consumer."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from streaming.consumer import EventConsumer
from streaming.events import Envelope, OrderCreated, OrderStatusChanged
from streaming.handlers import dispatch
from streaming.inbox import claim, idempotent, purge_inbox
from streaming.outbox import enqueue
from streaming.producer import EventProducer
from tests.streaming.conftest import EFFECTS, INBOX, OUTBOX
from tests.streaming.harness import eventually, unique_name
from tests.streaming.samples import order_created

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


async def record(session: AsyncSession, event: Envelope) -> None:
    await session.execute(insert(EFFECTS).values(event_id=str(event.id)))


async def count(engine: AsyncEngine, table, *where) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(table).where(*where))


async def test_the_same_event_handled_twice_has_one_effect(sessions, engine):
    event = Envelope.wrap(order_created())
    handle = idempotent(sessions, "payments", record)

    await handle(event)
    await handle(event)

    assert await count(engine, EFFECTS) == 1
    assert await count(engine, INBOX, INBOX.c.consumer == "payments") == 1


async def test_each_consumer_group_handles_the_event_once_for_itself(sessions, engine):
    event = Envelope.wrap(order_created())

    for group in ("payments", "notifications", "payments"):
        await idempotent(sessions, group, record)(event)

    assert await count(engine, EFFECTS) == 2


async def test_routed_events_without_a_route_open_no_transaction_and_leave_no_inbox_row(
    sessions, engine
):
    # A consumer reads every event of its topics; the ones its routes ignore have no effect,
    # so they cost no BEGIN/INSERT/COMMIT.
    sessions_opened = []

    def counting_sessions() -> AsyncSession:
        sessions_opened.append(1)
        return sessions()

    handle = idempotent(counting_sessions, "payments", dispatch({OrderCreated: record}))
    ignored = Envelope.wrap(OrderStatusChanged(order_id="order-1", user_id="user-1",
                                               previous_status="PENDING", status="PAID"))
    routed = Envelope.wrap(order_created())

    await handle(ignored)
    assert sessions_opened == [] and await count(engine, INBOX) == 0

    await handle(routed)
    await handle(routed)
    assert len(sessions_opened) == 2
    assert await count(engine, INBOX) == 1 and await count(engine, EFFECTS) == 1


async def test_a_failed_handler_records_nothing_so_the_retry_runs(sessions, engine):
    event, calls = Envelope.wrap(order_created()), []

    async def fail_once(session: AsyncSession, event: Envelope) -> None:
        await record(session, event)
        calls.append(event.id)
        if len(calls) == 1:
            raise ConnectionError("payment provider timed out")

    handle = idempotent(sessions, "payments", fail_once)
    with pytest.raises(ConnectionError):
        await handle(event)
    await handle(event)

    assert len(calls) == 2 and await count(engine, EFFECTS) == 1 and await count(engine, INBOX) == 1


async def test_events_written_by_a_handler_commit_with_its_inbox_row(sessions, engine):
    incoming = Envelope.wrap(order_created())

    async def mark_paid(session: AsyncSession, event: Envelope) -> None:
        payload = OrderStatusChanged(
            order_id=event.key, user_id="user-1", previous_status="PENDING", status="PAID"
        )
        await enqueue(session, Envelope.wrap(payload, cause=event))

    handle = idempotent(sessions, "orders", mark_paid)
    await handle(incoming)
    await handle(incoming)

    async with engine.connect() as conn:
        [row] = (await conn.execute(select(OUTBOX.c.key, OUTBOX.c.event_type))).all()
    assert tuple(row) == ("order-1", "OrderStatusChanged")


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_concurrent_deliveries_of_one_event_have_one_effect(sessions, engine):
    event = Envelope.wrap(order_created())

    async def slow(session: AsyncSession, event: Envelope) -> None:
        await record(session, event)
        await asyncio.sleep(0.1)  # the other claim waits on the row lock meanwhile

    handle = idempotent(sessions, "payments", slow)
    await asyncio.gather(*(handle(event) for _ in range(5)))

    assert await count(engine, EFFECTS) == 1


async def test_claim_reports_a_redelivery(sessions):
    event = Envelope.wrap(order_created())
    async with sessions() as session, session.begin():
        assert await claim(session, "g", event) is True
        assert await claim(session, "g", event) is False


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_an_event_delivered_twice_through_kafka_has_one_effect(
    sessions, engine, kafka_settings
):
    topic, group, event = (
        unique_name("orders"),
        unique_name("payments"),
        Envelope.wrap(order_created()),
    )
    consumer = EventConsumer(
        [topic], group, idempotent(sessions, group, record), settings=kafka_settings
    )
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(consumer.assigned.wait(), 15)

    async with EventProducer(kafka_settings) as producer:
        await producer.publish(event, topic=topic)
        await producer.publish(event, topic=topic)  # e.g. the relay died before marking
    await eventually(lambda: consumer.stats().handled == 2)
    consumer.stop()
    await task

    assert await count(engine, EFFECTS) == 1


def start_worker(bootstrap: str, topic: str, group: str, url: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.streaming.worker", bootstrap, topic, group, url]
    return subprocess.Popen(command, cwd=ROOT, env=env)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # inbox on SQLite: above
async def test_consumer_killed_mid_batch_then_restarted_loses_nothing_and_doubles_nothing(
    engine, database_url, kafka_settings
):
    topic, group = unique_name("orders"), unique_name("notifications")
    events = [Envelope.wrap(order_created(f"order-{i % 6}")) for i in range(60)]
    async with EventProducer(kafka_settings) as producer:
        for event in events:
            await producer.publish(event, topic=topic)
    url = engine.url.render_as_string(hide_password=False)

    first = start_worker(kafka_settings.bootstrap_servers, topic, group, url)
    await eventually(lambda: _at_least(engine, 15), within=20)
    first.send_signal(signal.SIGKILL)  # no clean shutdown, no final commit
    first.wait()
    done_before_restart = await count(engine, EFFECTS)
    assert done_before_restart < 60

    second = start_worker(kafka_settings.bootstrap_servers, topic, group, url)
    await eventually(lambda: _at_least(engine, 60), within=30)
    second.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(second.wait, 10) == 0  # clean stop on SIGTERM

    async with engine.connect() as conn:
        ids = (await conn.execute(select(EFFECTS.c.event_id))).scalars().all()
    assert sorted(ids) == sorted(str(e.id) for e in events)  # each exactly once


async def _at_least(engine: AsyncEngine, n: int) -> bool:
    return await count(engine, EFFECTS) >= n


async def test_purged_inbox_ids_are_forgotten_only_after_the_given_age(sessions, engine):
    await idempotent(sessions, "payments", record)(Envelope.wrap(order_created()))

    assert await purge_inbox(engine, timedelta(days=7)) == 0
    assert await purge_inbox(engine, timedelta(0)) == 1
    assert await count(engine, INBOX) == 0
