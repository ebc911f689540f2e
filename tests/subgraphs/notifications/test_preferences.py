"""Channel preferences: read and update through GraphQL, and opt-outs honoured by later events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.subgraphs.notifications.fake_providers import FakeSendGrid, FakeTwilio
from tests.subgraphs.notifications.harness import Harness, created, registered
from tests.subgraphs.notifications.provider_harness import open_providers, settle

UPDATE = ("mutation($email: Boolean, $sms: Boolean) { updateNotificationPreferences("
          "email: $email, sms: $sms) { email sms } }")
READ = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on User { "
        "notificationPreferences { email sms } } } }")


async def update(app: Harness, user_id: str | None, **channels: bool) -> dict[str, Any]:
    return await app.gql(UPDATE, channels, token=app.token(user_id) if user_id else None)


async def read(app: Harness, user_id: str, token: str | None) -> dict[str, Any]:
    return await app.gql(READ, {"r": [{"__typename": "User", "id": user_id}]}, token=token)


def codes(result: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in result["errors"]]


async def test_every_channel_is_on_until_the_user_opts_out(app: Harness) -> None:
    result = await read(app, "user-1", app.token("user-1"))
    assert result["data"]["_entities"][0]["notificationPreferences"] == {"email": True,
                                                                         "sms": True}


async def test_an_update_changes_only_the_channels_given(app: Harness) -> None:
    # when the user opts out of SMS, then out of email, then back into SMS
    steps = [({"sms": False}, {"email": True, "sms": False}),
             ({"email": False}, {"email": False, "sms": False}),
             ({"sms": True}, {"email": False, "sms": True})]
    for change, expected in steps:
        result = await update(app, "user-1", **change)
        assert result["data"]["updateNotificationPreferences"] == expected
    # then the user reads what they set, and nobody else's preferences changed
    mine = await read(app, "user-1", app.token("user-1"))
    assert mine["data"]["_entities"][0]["notificationPreferences"] == {"email": False,
                                                                       "sms": True}
    other = await read(app, "user-2", app.token("user-2"))
    assert other["data"]["_entities"][0]["notificationPreferences"] == {"email": True,
                                                                        "sms": True}


async def test_only_a_signed_in_user_updates_and_only_theirs_or_an_admin_reads(
    app: Harness,
) -> None:
    assert codes(await update(app, None, sms=False)) == ["UNAUTHENTICATED"]
    assert codes(await read(app, "user-1", app.token("stranger"))) == ["FORBIDDEN"]
    assert codes(await read(app, "user-1", None)) == ["UNAUTHENTICATED"]
    admin = await read(app, "user-1", app.token("boss", "admin"))
    assert admin["data"]["_entities"][0]["notificationPreferences"]["sms"] is True


async def test_opting_out_of_sms_makes_the_next_order_send_email_only(
    database_url: str, sendgrid: FakeSendGrid, twilio: FakeTwilio
) -> None:
    async with open_providers(database_url, sendgrid, twilio) as app:
        # given a user welcomed on both channels
        await app.deliver(registered("user-1", phone="+14155550101"))
        await settle(app)
        # when they opt out of SMS and then place an order
        assert "errors" not in await update(app, "user-1", sms=False)
        order = created(user_id="user-1")
        await app.deliver(order)
        messages = await settle(app)
    # then the order is announced by email only: no SMS recorded, none sent to Twilio
    assert [(m.template, m.channel, m.status) for m in messages] == [
        ("welcome", "email", "sent"), ("welcome", "sms", "sent"),
        ("order_received", "email", "sent"),
    ]
    assert [r.form()["Body"] for r in twilio.requests] == ["Welcome to the shop, Ada Lovelace!"]
    subjects = [r.json()["subject"] for r in sendgrid.requests]
    assert subjects[-1] == f"We received your order {order.payload.order_id}"


@pytest.mark.parametrize("phone", [None, "+14155550101"])
async def test_opting_out_of_everything_records_nothing_for_later_events(
    app: Harness, phone: str | None
) -> None:
    await app.deliver(registered("user-1", phone=phone))
    await update(app, "user-1", email=False, sms=False)
    await app.deliver(created(user_id="user-1"))
    assert {m.template for m in await app.messages()} == {"welcome"}


async def test_an_email_opt_out_also_skips_the_email_kept_for_an_unknown_contact(
    app: Harness,
) -> None:
    # given a user who opted out of email before notifications learnt their contact
    await update(app, "user-9", email=False)
    # when an old order event of theirs arrives, then nothing is kept for "user:user-9"
    await app.deliver(created(user_id="user-9", age=timedelta(seconds=60)))
    assert await app.messages() == []
