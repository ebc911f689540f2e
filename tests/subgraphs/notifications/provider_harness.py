"""The notifications app wired to the local SendGrid and Twilio fakes, with fast retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from subgraphs.notifications.domain.records import NotificationRecord
from tests.subgraphs.notifications.fake_providers import FakeSendGrid, FakeTwilio
from tests.subgraphs.notifications.harness import Harness, open_harness

__all__ = ["FAST", "MESSAGE_FIELDS", "final", "open_providers", "provider_settings", "settle"]

FROM_NUMBER = "+15005550006"
# Short waits so retries happen within a test; the worker is the app's own, started by its
# lifespan like in production.
FAST = {
    "delivery_interval_seconds": 0.02, "delivery_backoff_seconds": 0.02,
    "delivery_backoff_cap_seconds": 0.2, "delivery_timeout_seconds": 2.0,
    "delivery_lease_seconds": 5.0,
}
MESSAGE_FIELDS = "id channel template status attempts lastError sentAt providerMessageId"


def provider_settings(sendgrid: FakeSendGrid | None, twilio: FakeTwilio | None) -> dict[str, Any]:
    """Settings overrides that point the providers at the fakes."""
    values: dict[str, Any] = {}
    if sendgrid is not None:
        values |= {"sendgrid_api_key": sendgrid.api_key, "sendgrid_base_url": sendgrid.url,
                   "sendgrid_from_email": "shop@example.com", "sendgrid_from_name": "The Shop"}
    if twilio is not None:
        values |= {"twilio_account_sid": twilio.account_sid,
                   "twilio_auth_token": twilio.auth_token, "twilio_base_url": twilio.url,
                   "twilio_from_number": FROM_NUMBER}
    return values


@asynccontextmanager
async def open_providers(
    database_url: str, sendgrid: FakeSendGrid | None, twilio: FakeTwilio | None, **overrides: Any
) -> AsyncIterator[Harness]:
    settings = FAST | provider_settings(sendgrid, twilio) | overrides
    async with open_harness(database_url, **settings) as harness:
        yield harness


def final(message: NotificationRecord) -> bool:
    """Sent or failed, or waiting for an address (no worker touches those)."""
    return message.status in {"sent", "failed"} or message.recipient.startswith("user:")


async def settle(app: Harness, within: float = 15.0) -> list[NotificationRecord]:
    """Every message once the delivery worker has finished with all of them, oldest first."""
    deadline = time.monotonic() + within
    while True:
        messages = await app.messages()
        if all(final(m) for m in messages):
            return messages
        assert time.monotonic() < deadline, [(m.channel, m.status) for m in messages]
        await asyncio.sleep(0.02)
