"""A user whose UserRegistered notifications never saw is written to at the address the users
subgraph has (federation ``_entities`` over HTTP); users being down never loses a message."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from subgraphs.kit.entity_client import EntityClient
from subgraphs.kit.settings import load_settings
from subgraphs.notifications.app import build_services
from subgraphs.notifications.config import NotificationsSettings
from subgraphs.notifications.domain.errors import ContactNotYetKnown
from subgraphs.notifications.domain.models import ContactRow
from subgraphs.notifications.domain.records import Contact
from subgraphs.notifications.upstream import UsersContacts
from tests.subgraphs.notifications.harness import (
    created,
    open_harness,
    registered,
    shipped,
)
from tests.subgraphs.notifications.users_app import closed_port_url, serve_users, silent_server

LATE = timedelta(seconds=60)  # older than the contact wait: no more retries, send or fall back


def summary(messages) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return [(m.channel, m.template, m.recipient, m.status) for m in messages]


async def test_an_order_for_a_user_never_seen_registering_goes_to_the_email_users_has(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_users(tmp_path) as users:
        # given a user users knows, whose UserRegistered never reached notifications
        user_id = await users.register("grace@example.com", "Grace Hopper", "+14155550199")
        async with open_harness(database_url, users_url=users.url) as app:
            # when a fresh order event for them arrives
            order = created(user_id=user_id)
            await app.deliver(order)
            # then the messages go to the email and phone users has, at once (no waiting)
            messages = await app.messages()
            assert summary(messages) == [
                ("email", "order_received", "grace@example.com", "sent"),
                ("sms", "order_received", "+14155550199", "sent"),
            ]
            assert "Grace Hopper" in messages[0].body or "Grace Hopper" in messages[0].subject
            # and users was asked once, for that user, without any credential
            [read] = users.entity_reads()
            assert read["variables"]["r"] == [{"__typename": "User", "id": user_id}]
            # and the contact is remembered: later events of the user ask users nothing
            await app.deliver(shipped(order.payload.order_id, user_id=user_id))
            assert len(users.entity_reads()) == 1
            assert [m.recipient for m in await app.messages()][2:] == [
                "grace@example.com", "+14155550199"]
            async with app.services.database.sessions() as session:
                row = await session.scalar(select(ContactRow).where(ContactRow.user_id == user_id))
            assert row is not None and (row.email, row.full_name) == (
                "grace@example.com", "Grace Hopper")


async def test_a_contact_known_from_user_registered_is_never_looked_up(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_users(tmp_path) as users, open_harness(
        database_url, users_url=users.url
    ) as app:
        # given the contact arrived with UserRegistered
        await app.deliver(registered("user-1", phone=None))
        # when order events arrive for the user
        order = created(user_id="user-1")
        await app.deliver(order, shipped(order.payload.order_id, user_id="user-1"))
        # then they use it and users is never asked
        assert [m.recipient for m in await app.messages()] == ["user-1@example.com"] * 3
        assert users.entity_reads() == []


async def test_with_users_down_the_message_still_goes_out_for_the_user_id_and_is_logged(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with closed_port_url() as url:
        async with open_harness(database_url, users_url=url,
                                contact_lookup_pause_seconds=0) as app:
            # when an order event whose contact never came arrives while users refuses
            with caplog.at_level(logging.WARNING, logger="notifications.contacts"):
                order = created(user_id="user-9", age=LATE)
                await app.deliver(order)
            # then the email is kept queued for "user:<id>", exactly as without a lookup
            [message] = await app.messages()
            assert (message.channel, message.recipient, message.status, message.order_id) == (
                "email", "user:user-9", "queued", order.payload.order_id)
            # and the failure is logged with the user's id and users' state
            [record] = [r for r in caplog.records if r.name == "notifications.contacts"]
            assert "user-9" in record.getMessage() and "unreachable" in record.getMessage()
            # and a fresh event in the same situation is still retried, not dropped
            with pytest.raises(ContactNotYetKnown):
                await app.deliver(created(user_id="user-9"))


async def test_a_users_that_never_answers_costs_one_short_timeout_then_is_left_alone(
    sqlite_url: str,
) -> None:
    async with silent_server() as (url, accepted), open_harness(
        sqlite_url, users_url=url, contact_lookup_timeout_seconds=1.0,
        contact_lookup_pause_seconds=60,
    ) as app:
        # when two late order events arrive while users accepts and never answers
        started = time.monotonic()
        await app.deliver(created(user_id="user-7", age=LATE))
        first = time.monotonic() - started
        await app.deliver(created(user_id="user-8", age=LATE))
        second = time.monotonic() - started - first
        # then the first gave up after the timeout; the second did not ask (users is paused)
        assert 0.9 <= first < 5.0 and second < 0.9
        assert len(accepted) == 1
        # and both messages were recorded for their user ids
        assert [m.recipient for m in await app.messages()] == ["user:user-7", "user:user-8"]
        counts = (await app.client.get("/ready")).json()["contacts"]
        assert (counts["failed"], counts["skipped"]) == (1, 1)


async def test_emails_queued_while_users_was_down_get_the_address_once_it_answers(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_users(tmp_path) as users:
        grace = await users.register("grace@example.com", "Grace Hopper")
        # given an order of Grace's handled while users was down: queued for "user:<id>"
        early = created(user_id=grace, age=LATE)
        with closed_port_url() as down:
            async with open_harness(database_url, users_url=down) as app:
                await app.deliver(early)
                assert [m.recipient for m in await app.messages()] == [f"user:{grace}"]
        # when users is back and her next order event arrives (same notifications database)
        async with open_harness(database_url, users_url=users.url) as app:
            stranger = created(user_id="user-unknown", age=LATE)
            await app.deliver(created(user_id=grace), stranger)
            # then both of her emails go to her address (the queued one too); an id users
            # does not know still falls back to "user:<id>"
            assert sorted((m.user_id, m.recipient, m.status) for m in await app.messages()) == [
                (grace, "grace@example.com", "sent"),
                (grace, "grace@example.com", "sent"),
                ("user-unknown", "user:user-unknown", "queued"),
            ]
            assert len(users.entity_reads()) == 2


async def test_an_entity_error_from_users_falls_back_to_the_user_id(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # users answers the entity with an error of its own (partial data, the entity null)
    body = {"data": {"_entities": [None]}, "errors": [
        {"message": "Forbidden", "path": ["_entities", 0], "extensions": {"code": "FORBIDDEN"}}]}
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json=body))
    async with open_harness(sqlite_url, users_client=httpx.AsyncClient(transport=transport)) as app:
        with caplog.at_level(logging.WARNING, logger="notifications.contacts"):
            await app.deliver(created(user_id="user-3", age=LATE))
        assert [m.recipient for m in await app.messages()] == ["user:user-3"]
        assert any("FORBIDDEN" in r.getMessage() for r in caplog.records)


def test_an_empty_users_url_turns_the_lookup_off(sqlite_url: str) -> None:
    settings = load_settings(NotificationsSettings, "notifications", database_url=sqlite_url,
                             environment="test", users_url="")
    services = build_services(settings, consume=False)
    assert services.contacts is None and services.notifications.directory is None


def test_users_is_looked_up_on_its_dev_port_by_default(sqlite_url: str) -> None:
    settings = load_settings(NotificationsSettings, "notifications", database_url=sqlite_url,
                             environment="test")
    assert settings.users_url == "http://127.0.0.1:5001/graphql"
    assert settings.contact_lookup_timeout_seconds <= 2


async def test_users_is_asked_again_once_the_pause_after_an_outage_is_over() -> None:
    now = [100.0]
    answers = [httpx.ConnectError("refused"),
               {"data": {"_entities": [{"id": "u1", "email": "u1@example.com",
                                        "fullName": "U One", "phone": None}]}}]
    asked: list[httpx.Request] = []

    def users(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(200, json=answer)

    client = EntityClient("http://users/graphql",
                          client=httpx.AsyncClient(transport=httpx.MockTransport(users)))
    contacts = UsersContacts(client, timeout=1.0, pause=30.0, clock=lambda: now[0])
    # users refuses: no contact, and users is left alone for the pause
    assert await contacts.contact("u1") is None
    now[0] += 29
    assert await contacts.contact("u1") is None and len(asked) == 1
    # once the pause is over users is asked again, and answers
    now[0] += 2
    assert await contacts.contact("u1") == Contact("u1", "u1@example.com", "U One", None)
    assert contacts.stats() == {"found": 1, "unknown": 0, "failed": 1, "skipped": 1}


@pytest.mark.parametrize("entity", [{"id": "u1", "email": None, "fullName": "X"},
                                    {"id": "u1", "email": "", "fullName": "X"},
                                    {"id": "u2", "email": "u2@example.com", "fullName": "X"},
                                    {"id": "u1", "email": "a@b.c", "fullName": "X", "phone": 5}])
async def test_a_malformed_contact_from_users_is_not_used(entity: dict) -> None:
    transport = httpx.MockTransport(
        lambda _: httpx.Response(200, json={"data": {"_entities": [entity]}}))
    client = EntityClient("http://users/graphql", client=httpx.AsyncClient(transport=transport))
    contacts = UsersContacts(client, timeout=1.0, pause=30.0)

    assert await contacts.contact("u1") is None
    assert contacts.stats()["failed"] == 1
