"""UserRegistered leaves through the outbox: one row per new account, in the same transaction."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from streaming.events import Envelope, decode
from streaming.settings import KafkaSettings
from subgraphs.kit.migrations import upgrade_async
from subgraphs.users.app import build_app, build_services
from subgraphs.users.config import MIGRATIONS_DIR
from subgraphs.users.domain.models import OUTBOX, User
from subgraphs.users.domain.records import Registration
from subgraphs.users.seed import DEMO_CUSTOMERS, seed_accounts
from tests.subgraphs.users.harness import PASSWORD, Harness, users_settings


async def outbox(app: Harness) -> list[Envelope]:
    async with app.services.database.engine.connect() as conn:
        rows = (await conn.execute(select(OUTBOX.c.value).order_by(OUTBOX.c.id))).all()
    return [decode(row.value) for row in rows]


async def test_registering_writes_exactly_one_user_registered_row(app: Harness) -> None:
    # when someone registers with a phone number
    payload = await app.registered("ada@example.com", phone="+14155550123")
    # then the outbox holds exactly one UserRegistered for that account, keyed by its id
    [event] = await outbox(app)
    assert event.type == "UserRegistered" and event.key == payload["user"]["id"]
    assert event.topic == "users"
    user_id = payload["user"]["id"]
    assert (event.payload.user_id, event.payload.email) == (user_id, "ada@example.com")
    assert (event.payload.full_name, event.payload.phone) == ("Ada Lovelace", "+14155550123")


async def test_a_failed_registration_writes_no_event(app: Harness) -> None:
    # given an account, when the same email registers again and a bad email is tried
    await app.registered("ada@example.com")
    duplicate = await app.register("ADA@example.com")
    invalid = await app.register("not-an-email")
    # then both fail and only the first account's event exists
    assert "errors" in duplicate and "errors" in invalid
    assert [e.type for e in await outbox(app)] == ["UserRegistered"]


async def test_the_event_rolls_back_with_the_account(app: Harness) -> None:
    # given a transaction that registers and then fails before the boundary commits
    draft = Registration("rolled@example.com", PASSWORD, "Rolled Back")
    with pytest.raises(RuntimeError):
        async with app.services.database.transaction() as session:
            await app.services.users.register(session, draft)
            raise RuntimeError("the request failed after the insert")
    # then neither the account nor its event exists
    async with app.services.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
    assert await outbox(app) == []


async def test_seeded_accounts_are_announced_too(app: Harness) -> None:
    # when the seed registers the demo admin and customers
    admin = Registration("boss@example.com", "boss-pass-2026", "Boss")
    async with app.services.database.transaction() as session:
        added = await seed_accounts(session, app.services.users, admin)
    # then each gets its UserRegistered
    events = await outbox(app)
    assert added == 1 + len(DEMO_CUSTOMERS) == len(events)
    assert {e.payload.email for e in events} >= {"boss@example.com", "alice@shop.local"}


async def test_users_starts_and_is_ready_while_the_broker_is_down(sqlite_url: str) -> None:
    # given the relay wired in (the default) and no broker on the configured address
    settings = users_settings(sqlite_url)
    kafka = KafkaSettings(bootstrap_servers="127.0.0.1:1", request_timeout_ms=200)
    services = build_services(settings, kafka=kafka)
    app = build_app(settings, services)
    await upgrade_async(MIGRATIONS_DIR, sqlite_url)
    # then the app starts, /ready judges the database only and reports the relay
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://users"
    ) as client:
        response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json()["messaging"]["outbox"]["published"] == 0
