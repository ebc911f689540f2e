"""Twilio SMS against the local fake: the exact Messages request, accepted and refused."""

from __future__ import annotations

import base64

from tests.subgraphs.notifications.fake_providers import Canned, FakeTwilio
from tests.subgraphs.notifications.harness import registered
from tests.subgraphs.notifications.provider_harness import FROM_NUMBER, open_providers, settle


async def test_an_sms_is_posted_form_encoded_with_basic_auth_and_recorded_sent(
    database_url: str, twilio: FakeTwilio
) -> None:
    # given Twilio configured (no SendGrid: email stays in the dev mailbox)
    async with open_providers(database_url, None, twilio) as app:
        await app.deliver(registered("user-1", phone="+14155550101"))
        [email, sms] = await settle(app)
    # then one request to the account's Messages resource, form-encoded, basic auth
    [request] = twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    basic = base64.b64encode(f"{twilio.account_sid}:{twilio.auth_token}".encode()).decode()
    assert request.authorization == f"Basic {basic}"
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.form() == {"To": "+14155550101", "From": FROM_NUMBER,
                              "Body": "Welcome to the shop, Ada Lovelace!"}
    # and the SMS is sent with Twilio's message sid; the email went to the dev mailbox
    assert (sms.status, sms.attempts) == ("sent", 1)
    assert sms.provider_message_id is not None and sms.provider_message_id.startswith("SM")
    assert (email.status, email.provider_message_id) == ("sent", None)


async def test_a_messaging_service_sid_is_sent_instead_of_from(
    database_url: str, twilio: FakeTwilio
) -> None:
    async with open_providers(database_url, None, twilio, twilio_from_number="",
                              twilio_messaging_service_sid="MG" + "ab" * 16) as app:
        await app.deliver(registered("user-1"))
        await settle(app)
    form = twilio.requests[0].form()
    assert form["MessagingServiceSid"] == "MG" + "ab" * 16 and "From" not in form


async def test_an_invalid_number_fails_with_twilios_code_and_is_not_retried(
    database_url: str, twilio: FakeTwilio
) -> None:
    error = {"code": 21211, "message": "The 'To' number +1415 is not a valid phone number.",
             "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}
    twilio.script.append(Canned(400, error))
    async with open_providers(database_url, None, twilio) as app:
        await app.deliver(registered("user-1"))
        sms = (await settle(app))[1]
    assert len(twilio.requests) == 1
    assert (sms.status, sms.attempts) == ("failed", 1)
    assert sms.last_error == (
        "twilio: HTTP 400: 21211 The 'To' number +1415 is not a valid phone number."
    )


async def test_ready_reports_the_delivery_worker_and_its_providers(
    sqlite_url: str, twilio: FakeTwilio
) -> None:
    async with open_providers(sqlite_url, None, twilio) as app:
        await app.deliver(registered("user-1"))
        await settle(app)
        body = (await app.client.get("/ready")).json()
    assert body["status"] == "ok"
    assert body["delivery"]["providers"] == {"sms": "twilio"}
    assert body["delivery"]["sent"] == 1 and body["delivery"]["failed"] == 0
