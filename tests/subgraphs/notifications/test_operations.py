"""Operating the service: migrations match the models, the seed is a no-op, probes answer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from streaming.settings import KafkaSettings
from subgraphs.kit.database import Database
from subgraphs.kit.migrations import alembic_config, upgrade_async
from subgraphs.kit.settings import load_settings
from subgraphs.notifications.config import MIGRATIONS_DIR, NotificationsSettings
from subgraphs.notifications.domain.models import Base, Notification
from subgraphs.notifications.seed import seed
from tests.subgraphs.notifications.harness import open_harness


async def test_migrations_apply_on_a_fresh_database_and_match_the_models(
    database_url: str,
) -> None:
    # when migrations run twice on a fresh database
    await upgrade_async(MIGRATIONS_DIR, database_url)
    await upgrade_async(MIGRATIONS_DIR, database_url)
    # then the head revision is recorded and nothing differs from the models
    database = Database(database_url)
    try:
        async with database.engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            diff = await conn.run_sync(_diff)
    finally:
        await database.dispose()
    assert version == [("0002",)]
    assert diff == []


def _diff(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_seed_is_a_no_op(sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(NotificationsSettings, "notifications", database_url=sqlite_url,
                             environment="test")
    await seed(settings)
    assert "nothing to seed" in capsys.readouterr().out


async def test_notifications_is_ready_while_the_broker_is_down(sqlite_url: str) -> None:
    # given no broker at all on the configured address
    kafka = KafkaSettings(bootstrap_servers="127.0.0.1:1", request_timeout_ms=200)
    async with open_harness(sqlite_url, kafka=kafka) as app:
        # then /ready judges the database only and reports the idle consumer
        response = await app.client.get("/ready")
        assert response.status_code == 200
        consumers = response.json()["messaging"]["consumers"]
        assert [(c["group"], c["consumed"]) for c in consumers] == [("notifications", 0)] * 2


async def test_0002_counts_old_dev_mailbox_messages_as_sent_once_and_downgrades(
    database_url: str,
) -> None:
    # given a 0001 database holding a message the dev mailbox sent
    await upgrade_async(MIGRATIONS_DIR, database_url, "0001")
    database = Database(database_url)
    insert = text(
        "INSERT INTO notifications (id, event_id, channel, template, template_version, "
        "recipient, subject, body, status, user_id, created_at) VALUES ('n-1', 'e-1', 'email', "
        "'welcome', 1, 'a@example.com', 's', 'b', 'sent', 'user-1', :at)"
    )
    try:
        async with database.transaction() as session:
            await session.execute(insert, {"at": datetime(2026, 11, 1, tzinfo=UTC)})
        # when 0002 applies, then it was sent in one attempt at its creation
        await upgrade_async(MIGRATIONS_DIR, database_url)
        async with database.sessions() as session:
            [row] = (await session.scalars(select(Notification))).all()
        assert (row.attempts, row.sent_at) == (1, datetime(2026, 11, 1, tzinfo=UTC))
        # and 0002 goes back down cleanly
        await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS_DIR, database_url),
                                "0001")
        async with database.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert "notification_preferences" not in tables
    finally:
        await database.dispose()
