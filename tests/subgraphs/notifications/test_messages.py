"""Each saga event becomes the right messages, once per channel, exactly once per event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streaming.events import OrderStatus
from subgraphs.notifications.domain.errors import ContactNotYetKnown
from tests.subgraphs.notifications.harness import (
    Harness,
    created,
    registered,
    shipped,
    status_changed,
)

STATUS_TEMPLATES = [
    (OrderStatus.PAID, "order_paid"),
    (OrderStatus.PAYMENT_FAILED, "payment_failed"),
    (OrderStatus.CANCELLED, "order_cancelled"),
]


async def test_user_registered_sends_a_welcome_by_email_and_sms(app: Harness) -> None:
    # when a user with a phone number registers
    event = registered("user-1", phone="+14155550101")
    await app.deliver(event)
    # then one welcome per channel, addressed from the event, recorded as sent
    messages = await app.messages()
    assert [(m.channel, m.template, m.recipient, m.status) for m in messages] == [
        ("email", "welcome", "user-1@example.com", "sent"),
        ("sms", "welcome", "+14155550101", "sent"),
    ]
    assert {m.event_id for m in messages} == {str(event.id)}
    assert "Ada Lovelace" in messages[0].subject and messages[0].order_id is None


async def test_a_user_without_phone_gets_email_only(app: Harness) -> None:
    await app.deliver(registered("user-2", phone=None), created(user_id="user-2"))
    assert [m.channel for m in await app.messages()] == ["email", "email"]


async def test_order_created_sends_order_received_with_id_and_total(app: Harness) -> None:
    # given a known contact, when an order is created
    order = created(user_id="user-1", amount=3998)
    await app.deliver(registered("user-1"), order)
    # then order_received quotes the order id and the total
    email, sms = (await app.messages())[2:]
    assert (email.template, email.order_id) == ("order_received", order.payload.order_id)
    assert order.payload.order_id in email.subject and "39.98 EUR" in email.body
    assert sms.channel == "sms" and "39.98 EUR" in sms.body


@pytest.mark.parametrize(("status", "template"), STATUS_TEMPLATES)
async def test_status_changes_that_matter_are_notified_with_the_known_total(
    app: Harness, status: OrderStatus, template: str
) -> None:
    order = created(user_id="user-1", amount=1250)
    order_id = order.payload.order_id
    await app.deliver(registered("user-1"), order)
    # when the order reaches the status
    await app.deliver(status_changed(order_id, status, reason="card_declined"))
    # then one message per channel from its template, quoting status and the order's total
    latest = (await app.messages())[4:]
    assert [(m.channel, m.template) for m in latest] == [("email", template), ("sms", template)]
    assert str(status) in latest[0].body and "12.50 EUR" in latest[0].body


async def test_a_status_change_of_an_order_never_seen_created_is_sent_without_a_total(
    app: Harness,
) -> None:
    await app.deliver(registered("user-1"))
    await app.deliver(status_changed("order-unseen", OrderStatus.PAID))
    latest = (await app.messages())[2:]
    assert [(m.channel, m.template, m.order_id) for m in latest] == [
        ("email", "order_paid", "order-unseen"), ("sms", "order_paid", "order-unseen")]
    assert "EUR" not in latest[0].body


async def test_the_total_quoted_is_the_order_s_own_among_several(app: Harness) -> None:
    first, second = created(user_id="user-1", amount=1250), created(user_id="user-1", amount=777)
    await app.deliver(registered("user-1", phone=None), first, second)
    await app.deliver(status_changed(second.payload.order_id, OrderStatus.PAID))
    paid = (await app.messages())[-1]
    assert "7.77 EUR" in paid.body and "12.50 EUR" not in paid.body


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.DELIVERED])
async def test_other_status_changes_send_nothing(app: Harness, status: OrderStatus) -> None:
    await app.deliver(registered("user-1"))
    await app.deliver(status_changed("order-x", status, previous=OrderStatus.PAID))
    assert len(await app.messages()) == 2  # the welcome only


async def test_order_shipped_quotes_the_tracking_number(app: Harness) -> None:
    await app.deliver(registered("user-1", phone=None))
    await app.deliver(shipped("order-7", tracking="TRACK-42"))
    [_welcome, message] = await app.messages()
    assert message.template == "order_shipped" and "TRACK-42" in message.body
    assert "SHIPPED" in message.body and "order-7" in message.subject


async def test_the_same_event_twice_records_one_message_per_channel(app: Harness) -> None:
    # given an event delivered, when it is delivered again (a redelivery)
    order = created(user_id="user-1")
    await app.deliver(registered("user-1"), order)
    await app.deliver(order)
    # then the inbox skips it: still one message per channel
    assert len([m for m in await app.messages() if m.template == "order_received"]) == 2


async def test_the_unique_event_channel_guard_holds_without_the_inbox(app: Harness) -> None:
    # given the inbox bypassed (e.g. its rows purged), when the service handles an event twice
    event = registered("user-1")
    for _ in range(2):
        async with app.services.database.transaction() as session:
            await app.services.notifications.user_registered(session, event)
    # then (event id, channel) still admits one message each
    assert len(await app.messages()) == 2


async def test_an_order_event_before_its_contact_is_retried(app: Harness) -> None:
    # given no UserRegistered yet, when a fresh order event arrives
    order = created(user_id="user-9")
    with pytest.raises(ContactNotYetKnown):
        await app.deliver(order)
    # then nothing is recorded (the inbox row rolled back too) and, once the contact
    # arrives, the redelivered event is notified normally
    assert await app.messages() == []
    await app.deliver(registered("user-9", phone=None), order)
    assert [m.template for m in await app.messages()] == ["welcome", "order_received"]


async def test_an_order_event_whose_contact_never_came_is_queued_for_the_user_id(
    app: Harness,
) -> None:
    # given an order event older than the contact wait, for a user never registered
    order = created(user_id="user-9", age=timedelta(seconds=60))
    await app.deliver(order)
    # then one email is kept queued for "user:<id>", with the order id and total
    [message] = await app.messages()
    assert (message.channel, message.recipient, message.status) == (
        "email", "user:user-9", "queued",
    )
    assert "39.98 EUR" in message.body and message.order_id == order.payload.order_id
