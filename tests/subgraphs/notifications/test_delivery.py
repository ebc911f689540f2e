"""Delivery semantics without HTTP: claims are exclusive, interrupted sends are reconciled by
policy, backoff grows with jitter and yields to Retry-After, addressless messages wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from subgraphs.notifications.domain.delivery import DeliveryPolicy, DeliveryService
from subgraphs.notifications.domain.outcomes import Outcome
from subgraphs.notifications.domain.records import Channel, Delivery, NotificationRecord, Status
from subgraphs.notifications.domain.repository import NotificationRepository
from subgraphs.notifications.providers.http import retry_after
from tests.subgraphs.notifications.harness import Harness, created, registered


class Accepting:
    name = "stub"

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def deliver(self, message: NotificationRecord) -> Outcome:
        self.calls.append(message.id)
        return Outcome.sent(f"stub-{len(self.calls)}")


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def queue_one(app: Harness, recipient: str = "ada@example.com", event: str = "e-1") -> None:
    delivery = Delivery(event, Channel.EMAIL, "welcome", 1, recipient, "Hi", "Hello", "user-1",
                        None)
    async with app.services.database.transaction() as session:
        await NotificationRepository().record(session, delivery, Status.QUEUED)


def service(provider: Accepting, clock: Clock, **policy: object) -> DeliveryService:
    return DeliveryService({Channel.EMAIL: provider}, DeliveryPolicy(lease=60, **policy),
                           clock=clock, rand=lambda: 0.5)


async def test_a_message_is_claimed_once_even_by_two_workers(app: Harness) -> None:
    await queue_one(app)
    first, second = service(Accepting(), Clock()), service(Accepting(), Clock())
    async with app.services.database.transaction() as session:
        mine = await first.claim(session, 10)
    async with app.services.database.transaction() as session:
        theirs = await second.claim(session, 10)
    assert [(m.status, m.attempts) for m in mine] == [("sending", 1)] and theirs == []


@pytest.mark.parametrize(("interrupted", "status"), [("fail", "failed"), ("resend", "queued")])
async def test_a_send_interrupted_past_its_lease_is_reconciled_by_policy(
    app: Harness, interrupted: str, status: str
) -> None:
    # given a message claimed by a worker that then died (no outcome recorded)
    await queue_one(app)
    clock = Clock()
    dead = service(Accepting(), clock)
    async with app.services.database.transaction() as session:
        await dead.claim(session, 10)
    # when a new worker starts within the lease, nothing happens; after it, policy decides
    provider = Accepting()
    fresh = service(provider, clock, interrupted=interrupted)
    for advance, expected in ((30, 0), (31, 1)):
        clock.now += timedelta(seconds=advance)
        async with app.services.database.transaction() as session:
            assert await fresh.reconcile(session) == expected
    [message] = await app.messages()
    assert message.status == status and "outcome unknown" in (message.last_error or "")


async def test_an_outcome_arriving_after_reconcile_changes_nothing(app: Harness) -> None:
    await queue_one(app)
    clock = Clock()
    worker = service(Accepting(), clock)
    async with app.services.database.transaction() as session:
        [claimed] = await worker.claim(session, 10)
    clock.now += timedelta(seconds=61)
    async with app.services.database.transaction() as session:
        await worker.reconcile(session)
        await worker.settle(session, claimed, Outcome.sent("late"))
    [message] = await app.messages()
    assert (message.status, message.provider_message_id) == ("failed", None)


async def test_messages_without_an_address_are_left_queued(app: Harness) -> None:
    await queue_one(app, recipient="user:user-9")
    provider = Accepting()
    async with app.services.database.transaction() as session:
        assert await service(provider, Clock()).claim(session, 10) == []
    assert provider.calls == []


async def test_a_retried_message_waits_for_its_backoff(app: Harness) -> None:
    await queue_one(app)
    clock = Clock()
    worker = service(Accepting(), clock, backoff=10.0)
    async with app.services.database.transaction() as session:
        [claimed] = await worker.claim(session, 10)
        assert await worker.settle(session, claimed, Outcome.retry("HTTP 503")) == "queued"
    for advance, claimable in ((7.4, 0), (0.2, 1)):  # 10 s step, equal jitter at 0.5: 7.5 s
        clock.now += timedelta(seconds=advance)
        async with app.services.database.transaction() as session:
            assert len(await worker.claim(session, 10)) == claimable


def test_backoff_doubles_with_jitter_up_to_the_cap_and_yields_to_retry_after() -> None:
    policy = DeliveryPolicy(backoff=2.0, backoff_cap=10.0)
    assert [policy.delay(n, None, 0.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    assert [policy.delay(n, None, 1.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]
    assert policy.delay(1, 30.0, 0.5) == 30.0
    assert policy.delay(1, 10**6, 0.5) == 3600.0


@pytest.mark.parametrize(("header", "expected"), [
    ("7", 7.0), ("", None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
])
def test_retry_after_is_read_as_seconds_or_an_http_date(
    header: str, expected: float | None
) -> None:
    response = httpx.Response(429, headers={"Retry-After": header} if header else {})
    assert retry_after(response) == expected


async def test_an_email_waiting_for_its_address_is_sent_once_the_user_registers(
    app: Harness,
) -> None:
    # given an order email kept queued for "user:user-9" (the contact never came in time)
    await app.deliver(created(user_id="user-9", age=timedelta(seconds=60)))
    # when the user's UserRegistered arrives at last
    await app.deliver(registered("user-9", phone=None))
    # then the dev mailbox delivers the waiting email to the address, beside the welcome
    [waiting, welcome] = await app.messages()
    assert (waiting.template, waiting.recipient, waiting.status, waiting.attempts) == (
        "order_received", "user-9@example.com", "sent", 1,
    )
    assert welcome.template == "welcome"
