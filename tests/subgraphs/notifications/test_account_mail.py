"""Password-reset and email-verification requests become one email each, to the account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streaming.events import EmailVerificationRequested, Envelope, PasswordResetRequested
from tests.subgraphs.notifications.harness import Harness, registered

LATER = datetime.now(UTC) + timedelta(minutes=30)


async def test_a_reset_request_emails_the_token_to_the_known_address_only(app: Harness) -> None:
    # given a known user with a phone
    await app.deliver(registered("user-1", phone="+14155550101"))
    # when users asks for a reset mail
    await app.deliver(Envelope.wrap(PasswordResetRequested(user_id="user-1", token="tok-123",
                                                           expires_at=LATER)))
    # then one email (no SMS) carries the token to the registered address
    [mail] = [m for m in await app.messages() if m.template == "password_reset"]
    assert (mail.channel, mail.recipient, mail.status) == ("email", "user-1@example.com", "sent")
    assert "tok-123" in mail.body


async def test_a_verification_request_emails_the_address_in_the_event(app: Harness) -> None:
    await app.deliver(registered("user-1", phone=None))
    await app.deliver(Envelope.wrap(EmailVerificationRequested(
        user_id="user-1", email="user-1@example.com", token="verify-9", expires_at=LATER)))
    [mail] = [m for m in await app.messages() if m.template == "verify_email"]
    assert (mail.channel, mail.recipient) == ("email", "user-1@example.com")
    assert "verify-9" in mail.body
