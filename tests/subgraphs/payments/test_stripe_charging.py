"""InventoryReserved charged through Stripe (the fake, over real HTTP): the exact PaymentIntent
request, declines, pending confirmations and retries with the same idempotency key."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, PaymentStatus, PoisonMessageError
from streaming.handlers import TransientError
from subgraphs.payments.domain.stripe_provider import StripeProvider
from subgraphs.payments.events.handlers import payment_handler
from tests.subgraphs.payments.fake_stripe import FakeStripe
from tests.subgraphs.payments.harness import Harness, reserved


def intent_form(order_id: str, amount: int, method: str) -> dict[str, str]:
    """The form body Stripe receives for an order's PaymentIntent."""
    return {
        "amount": str(amount), "currency": "eur", "payment_method": method, "confirm": "true",
        "payment_method_types[0]": "card", "metadata[order_id]": order_id,
    }


async def test_a_good_card_creates_one_confirmed_payment_intent_keyed_by_the_order(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a reservation of 42.50 EUR paid with pm_card_visa
    event = reserved(amount=4250)
    order_id = event.payload.order_id
    # when payments handles it
    await stripe_app.deliver(event)
    # then exactly one request reached Stripe, shaped as documented
    [request] = fake_stripe.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.authorization == f"Bearer {fake_stripe.api_key}"
    assert request.idempotency_key == order_id
    assert request.form == intent_form(order_id, 4250, "pm_card_visa")
    # and the payment records Stripe's PaymentIntent as its transaction
    [intent_id] = fake_stripe.intents
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED
    assert payment.provider == "stripe" and payment.transaction_id == intent_id
    [processed] = await stripe_app.published("PaymentProcessed")
    assert processed.payload.status == PaymentStatus.SUCCEEDED
    assert processed.payload.transaction_id == intent_id


@pytest.mark.parametrize(
    ("method", "reason"),
    [
        ("pm_card_chargeDeclined", "generic_decline"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
    ],
)
async def test_a_decline_fails_the_payment_with_stripes_decline_code(
    stripe_app: Harness, fake_stripe: FakeStripe, method: str, reason: str
) -> None:
    event = reserved(payment_method=method)

    await stripe_app.deliver(event)

    [request] = fake_stripe.posted("/v1/payment_intents")
    assert request.form["payment_method"] == method
    payment = await stripe_app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == reason and payment.failure_code == reason
    assert payment.transaction_id in fake_stripe.intents  # the declined PaymentIntent
    [processed] = await stripe_app.published("PaymentProcessed")
    assert processed.payload.status == PaymentStatus.FAILED
    assert processed.payload.failure_reason == reason


async def test_an_unknown_payment_method_fails_with_stripes_error_code(
    stripe_app: Harness,
) -> None:
    event = reserved(payment_method="pm_card_nonsense")
    await stripe_app.deliver(event)
    payment = await stripe_app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == "resource_missing"


@pytest.mark.parametrize("how", ["500", "drop", "drop_after"])
async def test_a_failed_request_is_retried_by_the_sdk_with_the_same_key(
    stripe_app: Harness, fake_stripe: FakeStripe, how: str
) -> None:
    # given Stripe answers 500, or the connection drops before or after it charged
    fake_stripe.fail(1, how)  # type: ignore[arg-type]
    event = reserved()
    # when payments charges
    await stripe_app.deliver(event)
    # then the SDK tried again with the same key and body, and Stripe holds one PaymentIntent
    first, second = fake_stripe.posted("/v1/payment_intents")
    assert first.idempotency_key == second.idempotency_key == event.payload.order_id
    assert first.form == second.form
    assert len(fake_stripe.intents) == 1
    payment = await stripe_app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED


async def test_stripe_down_longer_than_the_sdk_retries_leaves_the_event_for_redelivery(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given Stripe unreachable for 1 + max_network_retries (2) attempts, the last one after it
    # had already created the PaymentIntent
    fake_stripe.fail(2, "drop")
    fake_stripe.fail(1, "drop_after")
    event = reserved()
    # when the event is handled, it raises a transient error (the consumer retries it without
    # limit, never dead-letters it) and records nothing
    with pytest.raises(TransientError):
        await stripe_app.deliver(event)
    assert await stripe_app.payment(event.payload.order_id) is None
    assert await stripe_app.published() == []
    # then the redelivered event finds the same PaymentIntent under the same key
    await stripe_app.deliver(event)
    requests = fake_stripe.posted("/v1/payment_intents")
    assert len(requests) == 4
    assert {r.idempotency_key for r in requests} == {event.payload.order_id}
    [intent_id] = fake_stripe.intents
    payment = await stripe_app.payment(event.payload.order_id)
    assert payment is not None and payment.transaction_id == intent_id
    assert len(await stripe_app.published("PaymentProcessed")) == 1


async def test_a_crash_after_the_charge_is_redelivered_into_the_same_payment_intent(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given the handler's transaction dies after Stripe charged
    event = reserved()
    real = payment_handler(stripe_app.services.payments)

    async def crashes(session: AsyncSession, envelope: Envelope) -> None:
        await real(session, envelope)
        raise RuntimeError("process died before COMMIT")

    with pytest.raises(RuntimeError):
        await stripe_app.deliver(event, crashes)
    # when the event is redelivered
    await stripe_app.deliver(event)
    # then Stripe answered the same key with the same PaymentIntent: one charge, recorded once
    assert [r.idempotency_key for r in fake_stripe.posted("/v1/payment_intents")] == [
        event.payload.order_id] * 2
    [intent_id] = fake_stripe.intents
    payment = await stripe_app.payment(event.payload.order_id)
    assert payment is not None and payment.transaction_id == intent_id


@pytest.mark.parametrize("method", ["pm_card_threeDSecure2Required", "pm_card_fakeProcessing"])
async def test_a_charge_stripe_has_not_finished_stays_pending_and_announces_nothing_yet(
    stripe_app: Harness, fake_stripe: FakeStripe, method: str
) -> None:
    event = reserved(payment_method=method)

    await stripe_app.deliver(event)

    payment = await stripe_app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.PENDING
    assert payment.transaction_id in fake_stripe.intents and payment.failure_reason is None
    assert await stripe_app.published("PaymentProcessed") == []


async def test_a_key_stripe_saw_with_another_amount_is_a_poison_message(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given Stripe already holds this order's key for 9.99 (an attempt whose result was lost)
    event = reserved(amount=1000)
    order_id = event.payload.order_id
    await stripe_app.services.provider.charge(order_id, 999, "EUR", "pm_card_visa", order_id)
    # when the reservation for 10.00 is handled, it is dead-lettered at once, nothing recorded
    with pytest.raises(PoisonMessageError, match="IdempotencyError"):
        await stripe_app.deliver(event)
    assert await stripe_app.payment(order_id) is None
    assert len(fake_stripe.intents) == 1


async def test_the_fake_serves_a_payment_intent_as_the_sdk_reads_it(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # the fake itself: GET /v1/payment_intents/{id} answers the object the SDK created
    event = reserved(amount=1234)
    await stripe_app.deliver(event)
    [intent_id] = fake_stripe.intents
    provider = stripe_app.services.provider
    assert isinstance(provider, StripeProvider)
    intent = await provider.client.v1.payment_intents.retrieve_async(intent_id)
    assert (intent.id, intent.amount, intent.currency, intent.status) == (
        intent_id, 1234, "eur", "succeeded")
    assert intent.metadata["order_id"] == event.payload.order_id
    assert fake_stripe.requests[-1].path == f"/v1/payment_intents/{intent_id}"
