"""Through the real embedded Kafka-protocol broker: the relay publishes UserRegistered."""

from __future__ import annotations

import httpx
import pytest

from streaming.broker import EmbeddedBroker
from streaming.topics import USERS
from subgraphs.kit.migrations import upgrade_async
from subgraphs.users.app import build_app, build_services
from subgraphs.users.config import MIGRATIONS_DIR
from tests.streaming.harness import consume_events, settings_for
from tests.subgraphs.users.harness import PASSWORD, REGISTER, users_settings

pytestmark = pytest.mark.integration


async def test_a_registration_reaches_the_users_topic(
    database_url: str, fresh_broker: EmbeddedBroker
) -> None:
    # given users running with its relay on a real broker
    kafka = settings_for(fresh_broker)
    await upgrade_async(MIGRATIONS_DIR, database_url)
    settings = users_settings(database_url)
    app = build_app(settings, build_services(settings, kafka=kafka))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://users"
    ) as client:
        # when someone registers
        body = {"query": REGISTER, "variables": {"i": {
            "email": "ada@example.com", "password": PASSWORD, "fullName": "Ada Lovelace",
        }}}
        result = (await client.post("/graphql", json=body)).json()
        user_id = result["data"]["register"]["user"]["id"]
        # then UserRegistered is on the users topic, keyed by the user id
        [event] = await consume_events(kafka, USERS, 1, within=20)
    assert event.type == "UserRegistered" and event.key == user_id
    assert event.payload.email == "ada@example.com"
