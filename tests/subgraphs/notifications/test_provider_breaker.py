"""SendGrid behind a circuit breaker: after repeated failures deliveries are put back without
calling it, and once its reset time has passed a probe gets through and the message is sent."""

from __future__ import annotations

from tests.subgraphs.notifications.fake_providers import Canned, FakeSendGrid
from tests.subgraphs.notifications.harness import registered
from tests.subgraphs.notifications.provider_harness import open_providers, settle

UNAVAILABLE = Canned(500, {"errors": [{"message": "Internal server error", "field": None}]})


async def test_an_open_breaker_spares_sendgrid_and_a_probe_sends_the_message_later(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given SendGrid failing twice, a breaker opening after 2 failures for 1 s, and backoff of
    # milliseconds (without the breaker the worker would call SendGrid every few ms)
    sendgrid.script.extend([UNAVAILABLE] * 2)
    async with open_providers(database_url, sendgrid, None, delivery_max_attempts=10,
                              provider_breaker_failures=2,
                              provider_breaker_reset_seconds=1.0) as app:
        await app.deliver(registered("user-1", phone=None))
        [email] = await settle(app)
        [breaker] = app.services.providers.breakers.snapshot()
    # then SendGrid saw the two failures and the one probe that succeeded, nothing between,
    # while the attempts made when the breaker was open were put back without a request
    assert len(sendgrid.requests) == 3
    assert email.status == "sent" and email.attempts > 3
    assert (breaker.name, breaker.state, breaker.times_opened) == ("sendgrid", "closed", 1)
