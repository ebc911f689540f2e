"""POST /webhooks/stripe: signed events settle PENDING payments once; bad signatures, replays and
out-of-order deliveries change nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from streaming.events import Envelope, PaymentStatus
from subgraphs.payments.domain.models import WebhookEvent
from tests.subgraphs.payments.fake_stripe import FakeStripe
from tests.subgraphs.payments.harness import Harness, reserved
from tests.subgraphs.payments.stripe_harness import post_webhook, sign


async def pending_order(app: Harness, event: Envelope | None = None) -> tuple[str, str]:
    """An order whose charge needs 3D Secure: (order id, PaymentIntent id), payment PENDING."""
    event = event or reserved(payment_method="pm_card_threeDSecure2Required")
    await app.deliver(event)
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.PENDING
    assert payment.transaction_id is not None
    return event.payload.order_id, payment.transaction_id


async def handled_events(app: Harness) -> int:
    async with app.services.database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(WebhookEvent)) or 0


async def test_a_signed_succeeded_event_settles_the_pending_payment_and_announces_it(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a payment waiting for 3D Secure, which the customer then completes
    reservation = reserved(payment_method="pm_card_threeDSecure2Required")
    order_id, intent_id = await pending_order(stripe_app, reservation)
    event = fake_stripe.settle(intent_id, "succeeded")
    # when Stripe posts payment_intent.succeeded, correctly signed
    response = await post_webhook(stripe_app, event)
    # then the payment SUCCEEDED and PaymentProcessed waits in the outbox, in one transaction
    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "settled SUCCEEDED"}
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED
    [processed] = await stripe_app.published("PaymentProcessed")
    assert processed.payload.status == PaymentStatus.SUCCEEDED
    assert processed.payload.transaction_id == intent_id and processed.key == order_id
    assert processed.correlation_id == reservation.correlation_id  # still the checkout's saga
    assert await handled_events(stripe_app) == 1


async def test_a_signed_payment_failed_event_fails_the_payment_with_its_decline_code(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    order_id, intent_id = await pending_order(stripe_app)

    response = await post_webhook(stripe_app, fake_stripe.settle(intent_id, "failed"))

    assert response.json()["outcome"] == "settled FAILED"
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == "authentication_required"
    [processed] = await stripe_app.published("PaymentProcessed")
    assert processed.payload.failure_reason == "authentication_required"


def tampered(event: dict[str, Any]) -> tuple[bytes, str]:
    body = json.dumps(event).encode()
    return body.replace(b'"amount": 3998', b'"amount": 1'), sign(body)


BAD_SIGNATURES = {
    "wrong secret": lambda e: (json.dumps(e).encode(), sign(json.dumps(e).encode(), "whsec_x")),
    "body changed after signing": tampered,
    "older than 300 s": lambda e: (json.dumps(e).encode(),
                                   sign(json.dumps(e).encode(), timestamp=int(time.time()) - 301)),
    "no v1 signature": lambda e: (json.dumps(e).encode(),
                                  sign(json.dumps(e).encode()).replace("v1=", "v0=")),
    "missing header": lambda e: (json.dumps(e).encode(), ""),
}


@pytest.mark.parametrize("case", list(BAD_SIGNATURES))
async def test_a_bad_signature_is_refused_with_401_and_changes_nothing(
    stripe_app: Harness, fake_stripe: FakeStripe, case: str
) -> None:
    order_id, intent_id = await pending_order(stripe_app)
    body, signature = BAD_SIGNATURES[case](fake_stripe.settle(intent_id, "succeeded"))

    response = await post_webhook(stripe_app, {}, body=body, signature=signature)

    assert response.status_code == 401 and response.json() == {"error": "invalid signature"}
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.PENDING
    assert await stripe_app.published() == [] and await handled_events(stripe_app) == 0


async def test_a_replayed_event_has_no_second_effect(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a succeeded event already handled
    _, intent_id = await pending_order(stripe_app)
    event = fake_stripe.settle(intent_id, "succeeded")
    await post_webhook(stripe_app, event)
    # when Stripe delivers the same event id again (newly signed, as its retries are)
    again = await post_webhook(stripe_app, event)
    # then it is acknowledged and nothing more happens
    assert again.status_code == 200 and again.json()["outcome"] == "replayed"
    assert len(await stripe_app.published("PaymentProcessed")) == 1
    assert await handled_events(stripe_app) == 1


async def test_a_failure_delivered_after_the_success_leaves_the_payment_succeeded(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a failed 3DS attempt (created first) whose event arrives after the success's
    order_id, intent_id = await pending_order(stripe_app)
    earlier = int(time.time()) - 60
    failed = fake_stripe.event("payment_intent.payment_failed",
                               {**fake_stripe.intents[intent_id],
                                "last_payment_error": {"code": "card_declined"}},
                               created=earlier)
    succeeded = fake_stripe.settle(intent_id, "succeeded")
    # when the success is delivered, then the stale failure
    await post_webhook(stripe_app, succeeded)
    late = await post_webhook(stripe_app, failed)
    # then the payment stays SUCCEEDED: a settled payment never moves back
    assert late.status_code == 200
    assert late.json()["outcome"] == "ignored: payment is SUCCEEDED already"
    payment = await stripe_app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED
    assert [e.payload.status for e in await stripe_app.published("PaymentProcessed")] == [
        "SUCCEEDED"]
    assert await handled_events(stripe_app) == 2


async def test_the_success_event_of_a_charge_settled_synchronously_changes_nothing(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a card charged at once (Stripe still sends payment_intent.succeeded)
    event = reserved()
    await stripe_app.deliver(event)
    [intent_id] = fake_stripe.intents
    webhook = fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[intent_id])

    response = await post_webhook(stripe_app, webhook)

    assert response.json()["outcome"] == "ignored: payment is SUCCEEDED already"
    assert len(await stripe_app.published("PaymentProcessed")) == 1


async def test_an_event_ahead_of_its_payment_is_answered_503_so_stripe_sends_it_again(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given Stripe's event for an order whose payment has not been committed yet
    intent = {"id": "pi_early", "object": "payment_intent", "status": "succeeded",
              "metadata": {"order_id": "order-not-yet"}}
    event = fake_stripe.event("payment_intent.succeeded", intent)
    # when it arrives, Stripe is told to retry, and nothing is recorded
    response = await post_webhook(stripe_app, event)
    assert response.status_code == 503
    assert await handled_events(stripe_app) == 0


async def test_a_refund_made_at_stripe_marks_the_payment_refunded(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    # given a paid order, refunded from Stripe's Dashboard
    event = reserved()
    await stripe_app.deliver(event)
    [intent_id] = fake_stripe.intents
    charge = {"id": "ch_1", "object": "charge", "payment_intent": intent_id, "refunded": True,
              "amount_refunded": 3998, "metadata": {"order_id": event.payload.order_id},
              "refunds": {"object": "list", "data": [{"id": "re_dash", "object": "refund"}]}}
    # when charge.refunded arrives
    response = await post_webhook(stripe_app, fake_stripe.event("charge.refunded", charge))
    # then the payment is REFUNDED and PaymentRefunded carries the refund's id
    assert response.json()["outcome"] == "refunded"
    payment = await stripe_app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.REFUNDED
    [refunded] = await stripe_app.published("PaymentRefunded")
    assert refunded.payload.transaction_id == "re_dash"


async def test_events_that_are_not_ours_are_acknowledged_and_ignored(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    other = fake_stripe.event("payment_intent.succeeded", {"id": "pi_x", "metadata": {}})
    unknown = fake_stripe.event("customer.created", {"id": "cus_1"})

    first = await post_webhook(stripe_app, other)
    second = await post_webhook(stripe_app, unknown)

    assert first.json()["outcome"] == "ignored: no order_id in metadata"
    assert second.json()["outcome"] == "ignored: customer.created is not handled"
    assert await stripe_app.published() == []


async def test_a_signed_body_that_is_no_event_is_a_400(stripe_app: Harness) -> None:
    body = b'{"not": "an event"}'
    response = await post_webhook(stripe_app, {}, body=body, signature=sign(body))
    assert response.status_code == 400 and await handled_events(stripe_app) == 0


async def test_without_a_webhook_secret_the_endpoint_answers_503(app: Harness) -> None:
    # the sandbox (make dev) has no secret: nothing can be verified, so nothing is read
    body = b"{}"
    response = await post_webhook(app, {}, body=body, signature=sign(body))
    assert response.status_code == 503
