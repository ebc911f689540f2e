"""CPU of two saga hot spots, in one process, against real PostgreSQL (no broker needed).

- ``reserve``: products reserving a two-line OrderCreated through its inbox handler, as the
  consumer runs it (claim, stock UPDATE, reservation rows, outbox rows, commit): SQL statements
  and CPU microseconds (process time) per reservation;
- ``skip``: a consumer meeting records of types its handler has no route for (what payments
  and orders see of InventoryUpdated, OrderStatusChanged ...): CPU microseconds per record
  through ``RecordAttempts.process``, from the fetched record to "done, commit its offset".

``python tests/bench/saga_hot_path.py --reservations 400 --records 20000``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncpg
from aiokafka.structs import ConsumerRecord

from streaming.attempts import RecordAttempts
from streaming.events import Envelope, InventoryReserved, OrderCancelled, encode
from streaming.handlers import dispatch
from streaming.inbox import idempotent
from streaming.producer import EventProducer, event_headers
from streaming.retry import RetryPolicy
from streaming.settings import KafkaSettings
from subgraphs.kit.database import Database
from tests.streaming.samples import every_payload
from tests.subgraphs.harness import counted_statements
from tests.subgraphs.products.harness import open_harness
from tests.subgraphs.products.saga import Saga, order_created

os.environ.setdefault("SERVICE_AUTH_REQUIRED", "false")  # as the test suites run it
ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


async def reserve(count: int) -> None:
    url = await _database()
    try:
        async with open_harness(url) as app:
            saga = Saga.over(app)
            a, b = await saga.product(stock=1_000_000), await saga.product(stock=1_000_000)
            for i in range(20):  # warm caches and the pool
                await saga.deliver(order_created(f"warm-{i}", (a, 1), (b, 1)))
            with counted_statements(app.services.database.engine) as sent:
                await saga.deliver(order_created("counted", (a, 1), (b, 1)))
            started = time.process_time()
            for i in range(count):
                await saga.deliver(order_created(f"order-{i}", (a, 1), (b, 1)))
            cpu = (time.process_time() - started) / count * 1e6
        inserts = [s for s in sent if s.lstrip().upper().startswith("INSERT INTO OUTBOX")]
        print(f"reserve: {len(sent)} statements per reservation ({len(inserts)} outbox INSERTs), "
              f"{cpu:.0f} us CPU per reservation over {count}")
    finally:
        await _drop(url)


async def skip(count: int) -> None:
    # payments' routes; every other type of its topics is what it skips
    routed = {InventoryReserved, OrderCancelled}
    ignored = [p for p in every_payload() if type(p) not in routed]
    records = [_record(Envelope.wrap(ignored[i % len(ignored)]), i) for i in range(count)]
    database = Database("sqlite+aiosqlite:///:memory:")

    async def never(*_args: object) -> None:
        raise AssertionError("an ignored event reached its handler")

    handler = idempotent(database.sessions, "payments",
                         dispatch(dict.fromkeys(routed, never)))
    attempts = RecordAttempts("payments", handler, settings=KafkaSettings(), retry=RetryPolicy(),
                              dead_letters=EventProducer(), counts={"handled": 0},
                              pause=_no_pause)
    for record in records[:200]:
        await attempts.process(record)
    started = time.process_time()
    for record in records:
        assert await attempts.process(record)
    cpu = (time.process_time() - started) / count * 1e6
    await database.dispose()
    print(f"skip: {cpu:.1f} us CPU per ignored record over {count} "
          f"({len(ignored)} types round-robin)")


def _record(event: Envelope, offset: int) -> ConsumerRecord:
    value = encode(event)
    return ConsumerRecord(topic="inventory", partition=0, offset=offset, timestamp=0,
                          timestamp_type=0, key=event.key.encode(), value=value, checksum=None,
                          serialized_key_size=len(event.key), serialized_value_size=len(value),
                          headers=event_headers(event))


async def _no_pause(_delay: float) -> bool:
    return True


async def _database() -> str:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def _drop(url: str) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reservations", type=int, default=400)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    await reserve(args.reservations)
    await skip(args.records)


if __name__ == "__main__":
    asyncio.run(main())
