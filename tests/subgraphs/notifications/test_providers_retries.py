"""Retries against the local fakes: backoff on 5xx, Retry-After on 429, network errors, and
the dead letter after the last attempt; the attempts are visible through GraphQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from subgraphs.notifications.domain.models import Notification
from tests.subgraphs.notifications.fake_providers import Canned, FakeSendGrid, FakeTwilio, Slow
from tests.subgraphs.notifications.harness import registered
from tests.subgraphs.notifications.provider_harness import (
    MESSAGE_FIELDS,
    open_providers,
    settle,
)

UNAVAILABLE = Canned(500, {"errors": [{"message": "Internal server error", "field": None}]})


async def test_three_500s_then_202_send_one_message_after_four_attempts(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given SendGrid failing three times before accepting
    sendgrid.script.extend([UNAVAILABLE] * 3)
    async with open_providers(database_url, sendgrid, None) as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
        query = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on User { "
                 f"notifications {{ edges {{ node {{ {MESSAGE_FIELDS} }} }} }} }} }} }}")
        result = await app.gql(query, {"r": [{"__typename": "User", "id": "user-1"}]},
                               token=app.token("user-1"))
    # then four identical requests, one message, sent, with the attempts visible
    assert len(sendgrid.requests) == 4
    assert len({r.body for r in sendgrid.requests}) == 1
    [edge] = result["data"]["_entities"][0]["notifications"]["edges"]
    node = edge["node"]
    assert (node["id"], node["status"], node["attempts"]) == (email.id, "sent", 4)
    assert node["lastError"] is None and node["sentAt"] and node["providerMessageId"]


async def test_a_429_waits_at_least_its_retry_after(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given backoff of a few milliseconds, and SendGrid asking to wait one second
    sendgrid.script.append(Canned(429, {"errors": [{"message": "too many requests"}]},
                                  {"Retry-After": "1"}))
    async with open_providers(database_url, sendgrid, None) as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
    # then the second attempt came no sooner than the provider asked
    first, second = sendgrid.requests
    assert second.at - first.at >= 1.0
    assert (email.status, email.attempts) == ("sent", 2)


async def test_a_network_error_is_retried_then_sent(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given SendGrid answering the first request only after the client gave up (read timeout)
    sendgrid.script.append(Slow(2.0))
    async with open_providers(database_url, sendgrid, None, delivery_timeout_seconds=0.5) as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
    # then it was tried again and sent (the documented at-least-once window: the first
    # request may have been accepted, and SendGrid has no idempotency key)
    assert len(sendgrid.requests) == 2
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, None)


async def test_a_connection_refused_is_retried(database_url: str, sendgrid: FakeSendGrid) -> None:
    # given a base URL where nothing listens
    async with open_providers(database_url, sendgrid, None, delivery_max_attempts=2,
                              sendgrid_base_url="http://127.0.0.1:9") as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
    assert (email.status, email.attempts) == ("failed", 2)
    assert email.last_error is not None and "ConnectError" in email.last_error


async def test_the_last_failed_attempt_dead_letters_the_message(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given three attempts allowed and SendGrid down for longer
    sendgrid.script.extend([UNAVAILABLE] * 5)
    async with open_providers(database_url, sendgrid, None, delivery_max_attempts=3) as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
        await asyncio.sleep(0.3)  # several more worker rounds
        [again] = await app.messages()
    # then exactly three requests, and the message failed with the reason
    assert len(sendgrid.requests) == 3
    assert (email.status, email.attempts) == ("failed", 3)
    assert email.last_error == (
        "gave up after 3 attempts; last: sendgrid: HTTP 500: Internal server error"
    )
    assert again == email


async def test_twilio_503_then_201_sends_the_sms(database_url: str, twilio: FakeTwilio) -> None:
    twilio.script.append(Canned(503, {"code": 20500, "message": "Internal Server Error",
                                      "status": 503}))
    async with open_providers(database_url, None, twilio) as app:
        await app.deliver(registered("user-1"))
        sms = (await settle(app))[1]
    assert len(twilio.requests) == 2
    assert (sms.status, sms.attempts) == ("sent", 2)


@pytest.mark.parametrize(("interrupted", "status", "requests"),
                         [("fail", "failed", 0), ("resend", "sent", 1)])
async def test_a_send_interrupted_by_a_crash_is_reconciled_when_the_app_starts_again(
    database_url: str, sendgrid: FakeSendGrid, interrupted: str, status: str, requests: int
) -> None:
    # given a process that claimed a message and died before recording the outcome
    async with open_providers(database_url, None, None) as crashed:
        await crashed.deliver(registered("user-1", phone=None))
        async with crashed.services.database.transaction() as session:
            await session.execute(
                update(Notification).values(status="sending", attempts=1,
                                            claimed_at=datetime.now(UTC) - timedelta(hours=1))
            )
    # when the service starts again with SendGrid configured
    async with open_providers(database_url, sendgrid, None,
                              delivery_interrupted=interrupted) as app:
        [email] = await settle(app)
    # then "fail" never sends it again (outcome unknown), "resend" sends it once more
    assert email.status == status and len(sendgrid.requests) == requests
    assert email.attempts == 1 + requests
