"""A consumer process for the kill tests: ``python -m tests.streaming.worker BOOTSTRAP TOPIC
GROUP DATABASE_URL``; each event adds one row to ``effects`` through the inbox."""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from streaming.consumer import EventConsumer
from streaming.events import Envelope
from streaming.inbox import idempotent
from streaming.lifecycle import run_until_signalled
from streaming.settings import KafkaSettings
from tests.streaming.conftest import EFFECTS


async def record(session: AsyncSession, event: Envelope) -> None:
    await session.execute(insert(EFFECTS).values(event_id=str(event.id)))
    await asyncio.sleep(0.02)  # slow enough to be killed mid-batch


async def main(bootstrap: str, topic: str, group: str, url: str) -> None:
    args = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    engine = create_async_engine(url, **args)
    settings = KafkaSettings(
        bootstrap_servers=bootstrap, session_timeout_ms=1000, heartbeat_interval_ms=200
    )
    handler = idempotent(async_sessionmaker(engine), group, record)
    await run_until_signalled(EventConsumer([topic], group, handler, settings=settings), grace=5)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
