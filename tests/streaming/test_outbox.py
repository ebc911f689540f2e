"""Transactional outbox on SQLite and PostgreSQL, relayed to the real embedded broker."""

from __future__ import annotations

import asyncio
import zlib
from collections import Counter
from datetime import timedelta

import pytest
from aiokafka.conn import CloseReason
from sqlalchemy import MetaData, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from streaming.events import Envelope, OrderStatusChanged, decode
from streaming.outbox import OutboxRelay, enqueue, enqueue_all, outbox_table
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from tests.streaming.conftest import ORDERS, OUTBOX
from tests.streaming.harness import consume_events, eventually, settings_for, unique_name
from tests.streaming.samples import order_created
from tests.subgraphs.harness import counted_statements

pytestmark = pytest.mark.integration


async def place_orders(
    sessions: async_sessionmaker[AsyncSession], topic: str, n: int, start: int = 0
) -> list[Envelope]:
    """Like a checkout: each order row and its event commit in one transaction."""
    events = []
    for i in range(start, start + n):
        event = Envelope.wrap(order_created(f"order-{i}"))
        async with sessions() as session, session.begin():
            await session.execute(insert(ORDERS).values(id=f"order-{i}", status="PENDING"))
            await enqueue(session, event, topic=topic)
        events.append(event)
    return events


async def pay_orders(
    sessions: async_sessionmaker[AsyncSession], topic: str, n: int
) -> list[Envelope]:
    """A second event for each order (same key), committed with its status change."""
    events = []
    for i in range(n):
        payload = OrderStatusChanged(
            order_id=f"order-{i}", user_id="user-1", previous_status="PENDING", status="PAID"
        )
        event = Envelope.wrap(payload)
        async with sessions() as session, session.begin():
            await session.execute(
                update(ORDERS).where(ORDERS.c.id == f"order-{i}").values(status="PAID")
            )
            await enqueue(session, event, topic=topic)
        events.append(event)
    return events


async def unpublished(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(select(func.count()).where(OUTBOX.c.published_at.is_(None)))


async def drained(engine: AsyncEngine) -> bool:
    return await unpublished(engine) == 0


async def test_event_commits_and_rolls_back_with_the_state_change(sessions, engine):
    await place_orders(sessions, "orders", 1)

    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await session.execute(insert(ORDERS).values(id="order-x", status="PENDING"))
            await enqueue(session, Envelope.wrap(order_created("order-x")))
            raise RuntimeError("checkout failed after writing")

    async with engine.connect() as conn:
        rows = (await conn.execute(select(OUTBOX.c.topic, OUTBOX.c.key))).all()
        assert [tuple(r) for r in rows] == [("orders", "order-0")]
        assert await conn.scalar(select(func.count()).select_from(ORDERS)) == 1


async def test_several_events_enqueued_together_take_one_insert_and_keep_their_order(
    sessions, engine
):
    # given the events of one transaction, enqueued together
    events = [Envelope.wrap(order_created(f"order-{i}")) for i in (3, 1, 2)]
    # when the transaction commits
    with counted_statements(engine) as sent:
        async with sessions() as session, session.begin():
            await enqueue_all(session, events)
    # then one statement wrote every row, and the ids (the relay's order) follow the list
    assert len([s for s in sent if s.lstrip().upper().startswith("INSERT")]) == 1, sent
    async with engine.connect() as conn:
        rows = (await conn.execute(select(OUTBOX.c.event_id, OUTBOX.c.key, OUTBOX.c.headers)
                                   .order_by(OUTBOX.c.id))).all()
    assert [row.event_id for row in rows] == [str(e.id) for e in events]
    assert [row.key for row in rows] == ["order-3", "order-1", "order-2"]
    assert all(["eventType", "OrderCreated"] in row.headers for row in rows)


async def test_more_events_than_one_insert_takes_are_split_and_keep_their_order(
    sessions, engine
):
    # given more events in one transaction than one statement's parameters allow
    events = [Envelope.wrap(order_created(f"order-{i}")) for i in range(501)]
    # when they are enqueued together
    with counted_statements(engine) as sent:
        async with sessions() as session, session.begin():
            await enqueue_all(session, events)
    # then two statements wrote them, in the order given
    assert len([s for s in sent if s.lstrip().upper().startswith("INSERT")]) == 2
    async with engine.connect() as conn:
        ids = (await conn.execute(select(OUTBOX.c.event_id).order_by(OUTBOX.c.id))).scalars()
        assert list(ids) == [str(e.id) for e in events]


async def test_relay_publishes_in_order_keyed_by_aggregate_and_marks_rows(
    sessions, engine, kafka_settings: KafkaSettings
):
    topic = unique_name("orders")
    events = await place_orders(sessions, topic, 6)
    events += await pay_orders(sessions, topic, 6)

    async with EventProducer(kafka_settings) as producer:
        published = await OutboxRelay(engine, producer, batch_size=5).publish_pending()

    received = await consume_events(kafka_settings, topic, 12, settle=0.3)
    assert published == 12 and await unpublished(engine) == 0
    assert sorted(e.id for e in received) == sorted(e.id for e in events)
    for key in {e.key for e in events}:
        assert [e.id for e in received if e.key == key] == [e.id for e in events if e.key == key]


async def test_events_committed_while_no_relay_ran_are_published_once_after_restart(
    sessions, engine, kafka_settings
):
    topic = unique_name("orders")
    events = await place_orders(sessions, topic, 20)  # the process died before publishing

    relay = OutboxRelay(engine, EventProducer(kafka_settings), poll_interval=0.05)
    task = asyncio.create_task(relay.run())
    await eventually(lambda: drained(engine))
    relay.stop()
    await task
    await relay.producer.stop()

    received = await consume_events(kafka_settings, topic, 20, settle=0.5)
    assert Counter(e.id for e in received) == Counter(e.id for e in events)


class DyingProducer(EventProducer):
    """Publishes its second batch, then hangs before the relay can mark it: killed there."""

    def __init__(self, settings: KafkaSettings, batches: list) -> None:
        super().__init__(settings)
        self.batches = batches

    async def send_batch(self, messages):
        result = await super().send_batch(messages)
        self.batches.append(len(messages))
        if len(self.batches) == 2:
            await asyncio.Event().wait()
        return result


async def test_relay_killed_after_publishing_before_marking_republishes_only_that_batch(
    sessions, engine, kafka_settings
):
    topic, batches = unique_name("orders"), []
    events = await place_orders(sessions, topic, 30)
    dying = OutboxRelay(engine, DyingProducer(kafka_settings, batches), batch_size=5)
    task = asyncio.create_task(dying.run())
    await eventually(lambda: len(batches) == 2)
    task.cancel()  # killed: batch 2 is on the broker but still unmarked in the outbox
    await asyncio.gather(task, return_exceptions=True)
    assert await unpublished(engine) == 25

    async with EventProducer(kafka_settings) as producer:
        assert await OutboxRelay(engine, producer).publish_pending() == 25

    received = await consume_events(kafka_settings, topic, 35, settle=0.5)
    counts = Counter(e.id for e in received)
    assert set(counts) == {e.id for e in events} and await unpublished(engine) == 0
    assert sorted(e.id for e in events if counts[e.id] == 2) == sorted(e.id for e in events[5:10])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # broker-side
async def test_events_enqueued_while_the_broker_is_down_are_delivered_when_it_is_back(
    sessions, engine, fresh_broker
):
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic = unique_name("orders")
    fresh_broker.stop()
    relay = OutboxRelay(engine, EventProducer(settings), poll_interval=0.05, max_backoff=0.5)
    task = asyncio.create_task(relay.run())
    events = await place_orders(sessions, topic, 5)
    await eventually(lambda: relay.stats().failures >= 2)
    events += await place_orders(sessions, topic, 5, start=5)
    assert await unpublished(engine) == 10  # held, not dropped

    await asyncio.to_thread(fresh_broker.start)
    await eventually(lambda: drained(engine), within=20)
    relay.stop()
    await task
    await relay.producer.stop()

    received = await consume_events(settings, topic, 10, settle=0.3)
    assert sorted(e.id for e in received) == sorted(e.id for e in events)
    assert relay.stats().last_error is not None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # broker-side
async def test_relay_survives_a_broker_restart_that_forgets_every_topic(
    sessions, engine, fresh_broker
):
    settings = settings_for(fresh_broker, request_timeout_ms=1000)
    topic = unique_name("orders")
    relay = OutboxRelay(engine, EventProducer(settings), poll_interval=0.05, max_backoff=0.5)
    task = asyncio.create_task(relay.run())
    await place_orders(sessions, topic, 3)
    await eventually(lambda: drained(engine))

    await asyncio.to_thread(fresh_broker.restart)  # in-memory: topics and messages are gone
    after = await place_orders(sessions, topic, 3, start=3)
    await eventually(lambda: drained(engine), within=20)
    relay.stop()
    await task
    await relay.producer.stop()

    received = await consume_events(settings, topic, 3, settle=0.3)
    assert sorted(e.id for e in received) == sorted(e.id for e in after)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_concurrent_relays_publish_each_row_once_and_in_order(
    sessions, engine, kafka_settings
):
    topic = unique_name("orders")
    events = await place_orders(sessions, topic, 20) + await pay_orders(sessions, topic, 20)
    relays = [
        OutboxRelay(engine, EventProducer(kafka_settings), batch_size=3, poll_interval=0.01)
        for _ in range(3)
    ]
    tasks = [asyncio.create_task(r.run()) for r in relays]
    await eventually(lambda: drained(engine))
    for relay in relays:
        relay.stop()
    await asyncio.gather(*tasks)
    for relay in relays:
        await relay.producer.stop()

    received = await consume_events(kafka_settings, topic, 40, settle=0.5)
    for key in {e.key for e in events}:
        assert [e.id for e in received if e.key == key] == [e.id for e in events if e.key == key]
    assert Counter(e.id for e in received) == Counter(e.id for e in events)


class RecordingProducer:
    """Acknowledges every message at once and keeps their keys, in order."""

    def __init__(self) -> None:
        self.keys: list[str | None] = []

    async def ensure_topics(self, topics: object) -> None:
        pass

    async def send_batch(self, messages: list) -> tuple[int, None]:
        self.keys += [m.key for m in messages]
        return len(messages), None


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_relay_publishes_nothing_while_another_holds_the_outbox_lock(sessions, engine):
    await place_orders(sessions, "orders", 3)
    producer = RecordingProducer()
    relay = OutboxRelay(engine, producer, batch_size=2)  # type: ignore[arg-type]
    lock = zlib.crc32(b"outbox:outbox")

    async with engine.connect() as leader:  # another relay, mid-batch
        assert await leader.scalar(select(func.pg_try_advisory_xact_lock(lock)))
        assert await relay.publish_pending() == 0
        assert producer.keys == [] and await unpublished(engine) == 3
        await leader.commit()

    assert await relay.publish_pending() == 3
    assert producer.keys == ["order-0", "order-1", "order-2"] and await drained(engine)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_an_outbox_whose_lock_key_exceeds_a_32_bit_integer_still_publishes(engine):
    # The advisory lock's key is the CRC-32 of the table's name, up to 2**32 - 1: it must be
    # sent as a bigint, or such a table's relay fails on every pass.
    table = outbox_table(MetaData(), "outbox_b")
    assert zlib.crc32(b"outbox:outbox_b") > 2**31 - 1
    async with engine.begin() as conn:
        await conn.run_sync(table.metadata.create_all)
        await enqueue(conn, Envelope.wrap(order_created("order-1")), topic="orders", table=table)
    producer = RecordingProducer()
    relay = OutboxRelay(engine, producer, table=table)  # type: ignore[arg-type]

    assert await relay.publish_pending() == 1
    assert producer.keys == ["order-1"]


async def test_a_commit_that_enqueued_events_wakes_the_relay_before_its_next_poll(
    sessions, engine, kafka_settings
):
    topic = unique_name("orders")
    relay = OutboxRelay(engine, EventProducer(kafka_settings), poll_interval=30)
    task = asyncio.create_task(relay.run())
    await eventually(lambda: relay.producer.started)
    await asyncio.sleep(0.2)  # now idle until the next poll, 30 s away

    await place_orders(sessions, topic, 1)

    await eventually(lambda: drained(engine), within=3)
    relay.stop()
    await task


async def test_purge_deletes_only_rows_published_long_enough_ago(sessions, engine, kafka_settings):
    topic = unique_name("orders")
    await place_orders(sessions, topic, 3)
    async with EventProducer(kafka_settings) as producer:
        relay = OutboxRelay(engine, producer)
        await relay.publish_pending()
        await place_orders(sessions, topic, 2, start=3)  # not published yet: never purged

        assert await relay.purge(timedelta(hours=1)) == 0
        assert await relay.purge(timedelta(0)) == 3

    assert await count_rows(engine) == 2 and await unpublished(engine) == 2


async def count_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(OUTBOX))


async def test_the_relay_tells_its_listeners_each_acknowledged_record_in_order(
    sessions, engine, kafka_settings
):
    topic = unique_name("orders")
    relay = OutboxRelay(engine, EventProducer(kafka_settings), poll_interval=0.05)
    told: list[tuple[str, str]] = []
    relay.listeners.append(lambda t, value: told.append((t, decode(value).id)))
    task = asyncio.create_task(relay.run())
    events = await place_orders(sessions, topic, 3)
    await eventually(lambda: drained(engine))
    relay.stop()
    await task
    assert told == [(topic, e.id) for e in events]


async def test_topics_already_found_are_not_looked_up_again_until_a_connection_closes(
    kafka_settings,
):
    topic = unique_name("orders")
    async with EventProducer(kafka_settings) as sender:
        client = sender._client().client
        lookups = 0
        real = client.force_metadata_update

        def counted():  # a spy on the real client: each call is a metadata round trip
            nonlocal lookups
            lookups += 1
            return real()

        client.force_metadata_update = counted
        await sender.ensure_topics([topic])
        found = lookups
        await sender.ensure_topics([topic])
        assert lookups == found  # known, and no connection closed since
        for conn in list(client._conns.values()):  # as a broker restart breaks them
            conn.close(reason=CloseReason.CONNECTION_BROKEN)
        await sender.ensure_topics([topic])
        assert lookups > found
