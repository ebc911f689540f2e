"""Operating the service: migrations match the models, seeding is idempotent, probes answer."""

from __future__ import annotations

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from subgraphs.kit.database import Database
from subgraphs.kit.migrations import upgrade_async
from subgraphs.kit.settings import load_settings
from subgraphs.users.app import build_app
from subgraphs.users.config import DEV_ADMIN_EMAIL, MIGRATIONS_DIR, UsersSettings
from subgraphs.users.domain.models import Base
from subgraphs.users.domain.records import Registration
from subgraphs.users.seed import DEMO_CUSTOMERS, seed, seed_accounts
from tests.subgraphs.users.harness import Harness, users_settings

ADMIN = Registration("boss@example.com", "boss-pass-2026", "Boss")


async def test_migrations_on_a_fresh_database_match_the_models(database_url: str) -> None:
    # given a brand-new database, when migrations run to head
    await upgrade_async(MIGRATIONS_DIR, database_url)
    # then autogenerate finds nothing to change between the database and the models
    database = Database(database_url)
    try:
        async with database.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await database.dispose()
    assert diff == []


async def test_seeding_twice_adds_the_demo_accounts_once(app: Harness) -> None:
    # when the seed runs twice
    async with app.services.database.transaction() as session:
        first = await seed_accounts(session, app.services.users, ADMIN)
    async with app.services.database.transaction() as session:
        second = await seed_accounts(session, app.services.users, ADMIN)
    # then the second run adds nothing, and the admin logs in with the admin role
    assert (first, second) == (1 + len(DEMO_CUSTOMERS), 0)
    login = await app.login("boss@example.com", "boss-pass-2026")
    assert login["data"]["login"]["user"]["roles"] == ["customer", "admin"]
    customer = await app.login(DEMO_CUSTOMERS[0].email, DEMO_CUSTOMERS[0].password)
    assert customer["data"]["login"]["user"]["roles"] == ["customer"]


async def test_seed_command_reads_admin_credentials_from_unprefixed_env(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given ADMIN_EMAIL / ADMIN_PASSWORD exported without the USERS_ prefix
    monkeypatch.setenv("ADMIN_EMAIL", "Ops@Example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", "ops-secret-77")
    settings = load_settings(UsersSettings, "users", database_url=sqlite_url, bcrypt_rounds=4)
    await upgrade_async(MIGRATIONS_DIR, sqlite_url)
    # when the CLI's seed runs twice
    await seed(settings)
    await seed(settings)
    # then the admin is that account, added once
    assert settings.admin_email == "Ops@Example.com"
    out = capsys.readouterr().out
    assert "seeded 3 of 3" in out and "seeded 0 of 3" in out


def test_dev_admin_defaults_are_documented_values() -> None:
    settings = load_settings(UsersSettings, "users", database_url="sqlite+aiosqlite://")
    assert settings.admin_email == DEV_ADMIN_EMAIL == "admin@shop.local"
    assert settings.bcrypt_rounds == 10


async def test_seed_refuses_the_dev_admin_password_in_production(sqlite_url: str) -> None:
    settings = users_settings(sqlite_url).model_copy(
        update={"environment": "production"}
    )
    with pytest.raises(SystemExit):
        await seed(settings)


async def test_health_and_ready_answer(app: Harness) -> None:
    health = await app.client.get("/health")
    ready = await app.client.get("/ready")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}


async def test_ready_reports_an_unreachable_database() -> None:
    # given the app wired to a PostgreSQL nobody listens on
    settings = users_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    app = build_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://users") as client:
        # when the probes are asked, then liveness holds and readiness names the database
        assert (await client.get("/health")).status_code == 200
        ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unavailable")
