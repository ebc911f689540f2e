"""The payment provider behind a circuit breaker: after repeated outages charges fail fast and
stay queued (a transient error the consumer retries), and a probe closes it when Stripe is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from streaming.handlers import TransientError
from tests.subgraphs.payments.fake_stripe import FakeStripe
from tests.subgraphs.payments.harness import Harness, open_harness, reserved
from tests.subgraphs.payments.stripe_harness import WEBHOOK_SECRET


@pytest.fixture
async def guarded_app(database_url: str, fake_stripe: FakeStripe) -> AsyncIterator[Harness]:
    """Payments on the fake Stripe, no SDK retries, a breaker opening after 2 failures."""
    async with open_harness(
        database_url, stripe_api_key=fake_stripe.api_key, stripe_api_base=fake_stripe.url,
        stripe_webhook_secret=WEBHOOK_SECRET, stripe_max_network_retries=0,
        provider_breaker_failures=2, provider_breaker_reset_seconds=0.2,
    ) as harness:
        yield harness


async def test_an_open_breaker_keeps_charges_queued_without_calling_stripe_then_recovers(
    guarded_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given Stripe answered HTTP 500 twice: the breaker is open
    fake_stripe.fail(2, "500")
    first, second = reserved(), reserved()
    for event in (first, second):
        with pytest.raises(TransientError):
            await guarded_app.deliver(event)
    [state] = guarded_app.services.breakers.snapshot()
    assert (state.name, state.state) == ("stripe", "open")
    # when another charge comes while it is open
    with pytest.raises(TransientError, match="circuit open"):
        await guarded_app.deliver(first)
    # then Stripe was not called, and no payment was recorded as failed
    assert len(fake_stripe.posted("/v1/payment_intents")) == 2
    assert await guarded_app.payment(first.payload.order_id) is None
    # and once the reset time passed, the redelivered events are charged and it closes
    await asyncio.sleep(0.3)
    for event in (first, second):
        await guarded_app.deliver(event)
    assert [s.state for s in guarded_app.services.breakers.snapshot()] == ["closed"]
    for event in (first, second):
        payment = await guarded_app.payment(event.payload.order_id)
        assert payment is not None and payment.status == "SUCCEEDED"
