"""One event's messages (email and SMS) are stored by one INSERT, each once per channel."""

from __future__ import annotations

from sqlalchemy import event

from subgraphs.notifications.domain.records import Channel, Delivery, Status
from subgraphs.notifications.domain.repository import NotificationRepository
from tests.subgraphs.notifications.harness import Harness, created, registered


def _message(channel: Channel, recipient: str) -> Delivery:
    return Delivery("e-1", channel, "welcome", 1, recipient, "Hi", "Hello", "user-1", None)


async def test_an_email_and_an_sms_for_one_event_are_one_insert(app: Harness) -> None:
    # given a user with a phone number
    await app.deliver(registered("user-1", phone="+14155550101"))
    engine = app.services.database.engine
    inserts: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS"):
            inserts.append(statement)

    # when one of their orders is created
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await app.deliver(created(user_id="user-1"))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    # then one statement stored the email and then the SMS
    assert len(inserts) == 1
    assert [(m.channel, m.template, m.status) for m in (await app.messages())[2:]] == [
        ("email", "order_received", "sent"), ("sms", "order_received", "sent")]


async def test_a_channel_already_recorded_for_the_event_does_not_hold_back_the_other(
    app: Harness,
) -> None:
    # given an event whose email is stored already
    repository = NotificationRepository()
    email, sms = _message(Channel.EMAIL, "ada@example.com"), _message(Channel.SMS, "+14155550101")
    async with app.services.database.transaction() as session:
        assert await repository.record(session, email, Status.SENT)
    # when both of its messages are recorded together
    async with app.services.database.transaction() as session:
        stored = await repository.record_all(session, [(email, Status.SENT), (sms, Status.QUEUED)])
    # then only the SMS is new, and the email is there once
    assert stored == 1
    assert [(m.channel, m.status) for m in await app.messages()] == [
        ("email", "sent"), ("sms", "queued")]
