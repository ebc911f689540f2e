"""After a restore the saga stays consistent: the outbox does not republish what was published
before the backup, and the inbox deduplicates events redelivered to a restored consumer."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from infra.backup.dump import back_up
from infra.backup.restore import restore
from infra.backup.targets import Database
from streaming.events import Envelope
from streaming.inbox import claim
from streaming.outbox import OutboxRelay, enqueue
from streaming.producer import EventProducer
from tests.infra.backup_data import create_orders_database, drop_database
from tests.streaming.harness import consume_events, embedded_broker, kafka_settings, unique_name
from tests.streaming.samples import order_created

_FIXTURES = (embedded_broker, kafka_settings)  # pytest fixtures used below by name
pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


@pytest.fixture
def databases():
    urls = [create_orders_database("bks")]
    yield urls
    for url in urls:
        drop_database(url)


def engine_for(url: str) -> AsyncEngine:
    return create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://"))


async def emit(engine: AsyncEngine, topic: str, order_id: str) -> Envelope:
    event = Envelope.wrap(order_created(order_id))
    async with async_sessionmaker(engine)() as session, session.begin():
        await enqueue(session, event, topic=topic)
    return event


async def relay_once(engine: AsyncEngine, settings) -> int:
    async with EventProducer(settings) as producer:
        return await OutboxRelay(engine, producer).publish_pending()


async def back_up_beside(url: str, tmp_path, suffix: str, urls: list[str]):
    """Back ``url`` up; the manifest's path and a new restore target (dropped after the test)."""
    db = Database("orders", url.replace("postgresql://", "postgresql+asyncpg://"))
    manifest = await asyncio.to_thread(back_up, db, tmp_path)
    target = db.with_name(f"{db.name}_{suffix}")
    urls.append(target.libpq_url)
    return tmp_path / f"{manifest.stem}.json", target


async def test_restored_outbox_republishes_only_what_was_unpublished_at_backup_time(
    databases, tmp_path, kafka_settings
):
    # given A published before the backup, B committed but not yet published at backup time
    topic, live = unique_name("orders"), engine_for(databases[0])
    a = await emit(live, topic, "order-a")
    assert await relay_once(live, kafka_settings) == 1
    b = await emit(live, topic, "order-b")
    manifest_path, target = await back_up_beside(databases[0], tmp_path, "r", databases)
    # and after the backup the live relay published B, then C was written and published
    c = await emit(live, topic, "order-c")
    assert await relay_once(live, kafka_settings) == 2
    await live.dispose()

    # when the database is restored and its relay runs
    assert (await asyncio.to_thread(restore, manifest_path, target)).mismatches == []
    restored = engine_for(target.libpq_url)
    republished = await relay_once(restored, kafka_settings)
    await restored.dispose()

    # then only B goes out again, under its original event id; A is not published as new
    seen = Counter(e.id for e in await consume_events(kafka_settings, topic, 4, settle=0.5))
    assert republished == 1
    assert seen == {a.id: 1, b.id: 2, c.id: 1}


async def test_restored_inbox_deduplicates_events_it_handled_before_the_backup(databases, tmp_path):
    # given a consumer that handled A before its database was backed up, and B after
    live = engine_for(databases[0])
    a, b = Envelope.wrap(order_created("order-a")), Envelope.wrap(order_created("order-b"))
    sessions = async_sessionmaker(live)
    async with sessions() as session, session.begin():
        assert await claim(session, "products", a)
    manifest_path, target = await back_up_beside(databases[0], tmp_path, "i", databases)
    async with sessions() as session, session.begin():
        assert await claim(session, "products", b)
    await live.dispose()

    # when its database is restored and the broker redelivers both (offsets rewound to backup)
    await asyncio.to_thread(restore, manifest_path, target)
    restored = async_sessionmaker(engine_for(target.libpq_url))
    async with restored() as session, session.begin():
        again_a, again_b = await claim(session, "products", a), await claim(session, "products", b)

    # then A is recognised as handled, and B, whose effect the restore lost, is handled again
    assert (again_a, again_b) == (False, True)
