"""``notification_deliveries_total{channel, result}`` counts each provider attempt's outcome."""

from __future__ import annotations

from common.telemetry.metrics import render
from tests.scrape import sample
from tests.subgraphs.notifications.fake_providers import FakeSendGrid
from tests.subgraphs.notifications.harness import registered
from tests.subgraphs.notifications.provider_harness import open_providers, settle
from tests.subgraphs.notifications.test_providers_retries import UNAVAILABLE

NAME = "notification_deliveries_total"


async def test_a_retried_then_sent_email_counts_one_retry_and_one_send(
    database_url: str, sendgrid: FakeSendGrid
) -> None:
    # given SendGrid failing once before accepting
    sendgrid.script.append(UNAVAILABLE)
    before = render().decode()
    async with open_providers(database_url, sendgrid, None) as app:
        # when a welcome email is delivered
        await app.deliver(registered("user-1", phone=None))
        await settle(app)
    after = render().decode()
    # then the two attempts are counted by their result
    added = {result: sample(after, NAME, channel="email", result=result)
             - sample(before, NAME, channel="email", result=result)
             for result in ("sent", "retry", "refused")}
    assert added == {"sent": 1, "retry": 1, "refused": 0}
