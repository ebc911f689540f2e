"""Messaging starts without a broker, keeps trying, and stops at once when asked."""

from __future__ import annotations

import asyncio
import time

from streaming.broker import free_port
from streaming.settings import KafkaSettings
from subgraphs.kit.database import Database
from subgraphs.kit.messaging import Messaging, Subscription


async def test_a_service_starts_and_stops_promptly_while_the_broker_is_down(
    sqlite_url: str,
) -> None:
    database = Database(sqlite_url)
    unreachable = KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}",
                                request_timeout_ms=500)
    messaging = Messaging(database, unreachable)
    await messaging.start()
    await asyncio.sleep(1.5)  # at least one failed connection attempt
    started = time.monotonic()
    await messaging.stop()
    assert time.monotonic() - started < 8  # not the 10 s a blocked retry would take
    assert messaging.stats()["outbox"]["published"] == 0
    await database.dispose()


async def test_on_sqlite_each_consumer_handles_one_record_at_a_time_unless_configured(
    sqlite_url: str,
) -> None:
    database = Database(sqlite_url)
    subscription = Subscription(["orders"], "g", lambda session, event: asyncio.sleep(0))

    [default] = Messaging(database, KafkaSettings(), [subscription]).consumers
    [chosen] = Messaging(database, KafkaSettings(consumer_concurrency=4), [subscription]).consumers

    assert default.settings.consumer_concurrency == 1  # one writer per SQLite file anyway
    assert chosen.settings.consumer_concurrency == 4  # an explicit setting wins
    await database.dispose()


async def test_a_background_subscription_fetches_with_the_longer_wait(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    handler = lambda session, event: asyncio.sleep(0)  # noqa: E731
    settings = KafkaSettings(fetch_max_wait_ms=25, background_fetch_max_wait_ms=400)
    saga, mail = Messaging(database, settings, [
        Subscription(["orders"], "saga", handler),
        Subscription(["orders"], "mail", handler, background=True)]).consumers

    assert saga.settings.fetch_max_wait_ms == 25
    assert mail.settings.fetch_max_wait_ms == 400
    assert mail.settings.consumer_concurrency == 1  # the other adjustments still apply
    await database.dispose()
