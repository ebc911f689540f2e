"""The saga through the real embedded broker, delivered by the SendGrid and Twilio fakes."""

from __future__ import annotations

import pytest

from streaming.broker import EmbeddedBroker
from tests.streaming.harness import eventually, settings_for
from tests.subgraphs.notifications.fake_providers import Canned, FakeSendGrid, FakeTwilio
from tests.subgraphs.notifications.provider_harness import open_providers, settle
from tests.subgraphs.notifications.test_broker import RETRY, publish, saga

pytestmark = pytest.mark.integration


async def test_the_saga_reaches_sendgrid_and_twilio_once_per_event_and_channel(
    database_url: str, fresh_broker: EmbeddedBroker, sendgrid: FakeSendGrid, twilio: FakeTwilio
) -> None:
    # given both providers, SendGrid failing once on the way
    sendgrid.script.append(Canned(502))
    kafka = settings_for(fresh_broker)
    async with open_providers(database_url, sendgrid, twilio, kafka=kafka, retry=RETRY) as app:
        # when the saga's four events are published
        await publish(kafka, *saga())

        async def all_sent() -> bool:
            messages = await app.messages()
            return len(messages) == 8 and all(m.status == "sent" for m in messages)

        await eventually(all_sent, within=30)
        messages = await settle(app)
    # then four emails and four SMS, each accepted once (one email after a retry)
    assert len(twilio.requests) == 4 and len(sendgrid.requests) == 5
    assert sorted(m.attempts for m in messages) == [1] * 7 + [2]
