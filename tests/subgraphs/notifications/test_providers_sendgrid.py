"""SendGrid email against the local fake: the exact Mail Send v3 request, accepted and refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.subgraphs.notifications.fake_providers import Canned, FakeSendGrid
from tests.subgraphs.notifications.harness import created, registered
from tests.subgraphs.notifications.provider_harness import open_providers, settle


async def test_an_email_is_posted_to_mail_send_and_recorded_sent(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given SendGrid configured (no Twilio: SMS stays in the dev mailbox)
    async with open_providers(database_url, sendgrid, None) as app:
        # when a user registers
        await app.deliver(registered("user-1"))
        [email, sms] = await settle(app)
    # then exactly one request, in SendGrid's documented shape
    [request] = sendgrid.requests
    assert (request.method, request.path) == ("POST", "/v3/mail/send")
    assert request.authorization == f"Bearer {sendgrid.api_key}"
    assert request.content_type == "application/json"
    assert request.json() == {
        "personalizations": [{
            "to": [{"email": "user-1@example.com"}],
            "dynamic_template_data": {
                "subject": email.subject, "body": email.body, "template": "welcome",
                "template_version": 1, "order_id": None, "notification_id": email.id,
            },
        }],
        "from": {"email": "shop@example.com", "name": "The Shop"},
        "subject": "Welcome to the shop, Ada Lovelace",
        "content": [{"type": "text/plain", "value": email.body}],
    }
    # and the message is sent once, with SendGrid's X-Message-Id; SMS went to the dev mailbox
    assert (email.status, email.attempts, email.last_error) == ("sent", 1, None)
    assert email.provider_message_id and email.sent_at is not None
    assert (sms.channel, sms.status, sms.provider_message_id) == ("sms", "sent", None)


async def test_a_dynamic_template_id_replaces_our_content(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    async with open_providers(database_url, sendgrid, None,
                              sendgrid_template_id="d-0123456789abcdef0123456789abcdef") as app:
        order = created(user_id="user-1")
        await app.deliver(registered("user-1", phone=None), order)
        await settle(app)
    # the worker sends a round's messages concurrently: find the order's request by its data
    bodies = {b["personalizations"][0]["dynamic_template_data"]["template"]: b
              for b in (r.json() for r in sendgrid.requests)}
    body = bodies["order_received"]
    assert body["template_id"] == "d-0123456789abcdef0123456789abcdef" and "content" not in body
    data = body["personalizations"][0]["dynamic_template_data"]
    assert data["order_id"] == order.payload.order_id


async def test_a_400_fails_the_message_with_sendgrids_error_and_is_not_retried(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given SendGrid refusing the request as invalid
    refusal = {"errors": [{"message": "Does not contain a valid address.",
                           "field": "personalizations.0.to", "help": None}]}
    sendgrid.script.append(Canned(400, refusal))
    async with open_providers(database_url, sendgrid, None) as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
    # then one request only, and the message failed with the provider's reason
    assert len(sendgrid.requests) == 1
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error == "sendgrid: HTTP 400: Does not contain a valid address."


async def test_a_wrong_key_is_refused_with_401_and_not_retried(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    async with open_providers(database_url, sendgrid, None,
                              sendgrid_api_key="SG.another-key-that-sendgrid-rejects") as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
    assert len(sendgrid.requests) == 1 and email.status == "failed"
    assert email.last_error is not None and "HTTP 401" in email.last_error
    assert "another-key" not in email.last_error


async def test_an_email_waiting_for_its_address_goes_to_sendgrid_after_registration(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    async with open_providers(database_url, sendgrid, None) as app:
        # given an order email queued for "user:user-9", which the worker leaves alone
        await app.deliver(created(user_id="user-9", age=timedelta(seconds=60)))
        await asyncio.sleep(0.2)
        assert sendgrid.requests == []
        # when the user registers, then the waiting email and the welcome are both sent
        await app.deliver(registered("user-9", phone=None))
        messages = await settle(app)
    assert [(m.template, m.status) for m in messages] == [("order_received", "sent"),
                                                          ("welcome", "sent")]
    recipients = [r.json()["personalizations"][0]["to"] for r in sendgrid.requests]
    assert recipients == [[{"email": "user-9@example.com"}]] * 2
