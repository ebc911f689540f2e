"""OrderCancelled after a Stripe charge: one ``POST /v1/refunds`` keyed ``refund-<order id>``."""

from __future__ import annotations

import pytest

from streaming.events import PaymentStatus
from subgraphs.payments.domain.errors import RefundFailed
from tests.subgraphs.payments.fake_stripe import FakeStripe
from tests.subgraphs.payments.harness import Harness, cancelled, reserved
from tests.subgraphs.payments.stripe_harness import post_webhook


async def paid_order(app: Harness, fake: FakeStripe, method: str = "pm_card_visa") -> str:
    event = reserved(amount=4250, payment_method=method)
    await app.deliver(event)
    fake.requests.clear()
    return event.payload.order_id


async def test_cancelling_a_paid_order_refunds_its_payment_intent_once(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given an order Stripe charged
    order_id = await paid_order(stripe_app, fake_stripe)
    [intent_id] = fake_stripe.intents
    # when orders cancels it
    await stripe_app.deliver(cancelled(order_id, reason="out of stock"))
    # then one refund request, shaped as documented, refunded the whole PaymentIntent
    [request] = fake_stripe.requests
    assert (request.method, request.path) == ("POST", "/v1/refunds")
    assert request.authorization == f"Bearer {fake_stripe.api_key}"
    assert request.idempotency_key == f"refund-{order_id}"
    assert request.form == {"payment_intent": intent_id, "amount": "4250"}
    [refund_id] = fake_stripe.refunds
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.REFUNDED
    assert payment.refund_id == refund_id and payment.refund_reason == "out of stock"
    [refunded] = await stripe_app.published("PaymentRefunded")
    assert refunded.payload.transaction_id == refund_id


async def test_a_refund_whose_answer_was_lost_is_retried_into_the_same_refund(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given Stripe refunds but the connection drops before the answer
    order_id = await paid_order(stripe_app, fake_stripe)
    fake_stripe.fail(1, "drop_after")
    # when the cancellation is handled
    await stripe_app.deliver(cancelled(order_id))
    # then the SDK asked again with the same key and got the same refund: money went back once
    first, second = fake_stripe.posted("/v1/refunds")
    assert first.idempotency_key == second.idempotency_key == f"refund-{order_id}"
    [refund_id] = fake_stripe.refunds
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.refund_id == refund_id


async def test_a_refund_stripe_refuses_raises_and_leaves_the_payment_succeeded(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given the charge was already refunded at Stripe under another key
    order_id = await paid_order(stripe_app, fake_stripe)
    [intent_id] = fake_stripe.intents
    await stripe_app.services.provider.refund(intent_id, 4250, "refund-by-hand")
    # when the cancellation is handled it fails with Stripe's code (retried, then dead-lettered)
    with pytest.raises(RefundFailed, match="charge_already_refunded"):
        await stripe_app.deliver(cancelled(order_id))
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED


async def test_cancelling_an_order_whose_charge_is_pending_sends_no_refund(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    order_id = await paid_order(stripe_app, fake_stripe, "pm_card_threeDSecure2Required")

    await stripe_app.deliver(cancelled(order_id))

    assert fake_stripe.requests == []
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.PENDING


async def test_a_pending_charge_that_succeeds_after_the_order_was_cancelled_is_refunded(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a charge waiting for 3D Secure, and the order cancelled meanwhile
    order_id = await paid_order(stripe_app, fake_stripe, "pm_card_threeDSecure2Required")
    await stripe_app.deliver(cancelled(order_id, reason="cancelled by owner"))
    [intent_id] = fake_stripe.intents
    # when the customer completes 3D Secure and Stripe says the charge succeeded
    response = await post_webhook(stripe_app, fake_stripe.settle(intent_id, "succeeded"))
    # then the money goes straight back, and the saga hears both facts
    assert response.json()["outcome"] == "settled SUCCEEDED, refunded: order cancelled"
    [request] = fake_stripe.posted("/v1/refunds")
    assert request.idempotency_key == f"refund-{order_id}"
    assert request.form == {"payment_intent": intent_id, "amount": "4250"}
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.REFUNDED
    assert [e.type for e in await stripe_app.published()] == [
        "PaymentProcessed", "PaymentRefunded"]


async def test_a_webhook_whose_refund_fails_is_answered_503_and_changes_nothing(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a pending charge of a cancelled order, and Stripe failing the refund call
    order_id = await paid_order(stripe_app, fake_stripe, "pm_card_threeDSecure2Required")
    await stripe_app.deliver(cancelled(order_id))
    [intent_id] = fake_stripe.intents
    event = fake_stripe.settle(intent_id, "succeeded")
    fake_stripe.fail(3, "500")  # the first attempt and both SDK retries
    # when the success arrives, Stripe is asked to send it again; nothing is recorded
    response = await post_webhook(stripe_app, event)
    assert response.status_code == 503
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.PENDING
    assert await stripe_app.published() == []
    # then the redelivery settles and refunds once
    again = await post_webhook(stripe_app, event)
    assert again.json()["outcome"] == "settled SUCCEEDED, refunded: order cancelled"
    assert len(fake_stripe.refunds) == 1
