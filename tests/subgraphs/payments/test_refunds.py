"""OrderCancelled -> a SUCCEEDED payment is refunded once (key refund-<order id>) -> REFUNDED."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, PaymentStatus
from subgraphs.payments.domain.errors import RefundFailed
from subgraphs.payments.events.handlers import payment_handler
from tests.subgraphs.payments.harness import Harness, cancelled, reserved


async def paid_order(app: Harness, payment_method: str = "pm_card_visa") -> str:
    event = reserved(payment_method=payment_method)
    await app.deliver(event)
    return event.payload.order_id


async def test_cancelling_a_paid_order_refunds_it_and_enqueues_payment_refunded(
    app: Harness,
) -> None:
    # given a paid order
    order_id = await paid_order(app)
    # when orders cancels it (the reservation expired before payment completed)
    cancel = cancelled(order_id, reason="reservation expired")
    await app.deliver(cancel)
    # then the charge is refunded and the saga hears about it
    payment = await app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.REFUNDED
    assert payment.refund_id and payment.refund_reason == "reservation expired"
    [refunded] = await app.published("PaymentRefunded")
    assert refunded.payload.order_id == order_id
    assert refunded.payload.amount.amount == payment.amount
    assert refunded.payload.reason == "reservation expired"
    assert refunded.payload.transaction_id == payment.refund_id
    assert refunded.correlation_id == cancel.correlation_id
    assert await app.refunds() == 1


async def test_a_cancellation_delivered_twice_or_sent_twice_refunds_once(app: Harness) -> None:
    order_id = await paid_order(app)
    first = cancelled(order_id)

    await app.deliver(first)
    await app.deliver(first)  # redelivered: the inbox drops it
    await app.deliver(cancelled(order_id))  # a second event: the payment is REFUNDED already

    assert await app.refunds() == 1
    assert len(await app.published("PaymentRefunded")) == 1


async def test_cancelling_an_order_whose_payment_failed_refunds_nothing(app: Harness) -> None:
    order_id = await paid_order(app, "pm_card_chargeDeclined")

    await app.deliver(cancelled(order_id))

    payment = await app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert await app.refunds() == 0
    assert await app.published("PaymentRefunded") == []


async def test_a_failed_refund_raises_changes_nothing_and_succeeds_when_replayed(
    app: Harness,
) -> None:
    # given a paid order and a provider that fails refunds
    order_id = await paid_order(app)
    app.sandbox.fail_refunds = True
    cancel = cancelled(order_id)
    # when the cancellation is handled, the handler raises (the consumer retries, then parks
    # the event in the dead-letter topic) and nothing is recorded, not even the inbox row
    with pytest.raises(RefundFailed, match="refund_failed"):
        await app.deliver(cancel)
    payment = await app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED
    assert await app.published("PaymentRefunded") == []
    # then once the cause is gone, replaying the same event (as an operator does) refunds once
    app.sandbox.fail_refunds = False
    await app.deliver(cancel)
    payment = await app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.REFUNDED
    assert await app.refunds() == 1


async def test_a_card_whose_refunds_fail_keeps_raising(app: Harness) -> None:
    order_id = await paid_order(app, "pm_card_refundFail")

    for _ in range(2):
        with pytest.raises(RefundFailed):
            await app.deliver(cancelled(order_id))

    assert await app.refunds() == 0


async def test_a_cancellation_racing_the_charge_never_leaves_a_cancelled_order_charged(
    app: Harness,
) -> None:
    # given the reservation and the cancellation of each order handled at the same moment
    # (two consumers, two topics: nothing orders them)
    for _ in range(5):
        event = reserved()
        order_id = event.payload.order_id
        await asyncio.gather(app.deliver(event), app.deliver(cancelled(order_id)))
        # then either it was never charged, or it was charged and refunded
        payment = await app.payment(order_id)
        assert payment is not None
        assert payment.status in (PaymentStatus.FAILED, PaymentStatus.REFUNDED), payment
    assert await app.charges() == await app.refunds()


async def test_a_crash_after_the_refund_but_before_the_commit_is_retried_into_the_same_refund(
    app: Harness,
) -> None:
    # given a paid order whose cancellation handler dies after the provider refunded
    order_id = await paid_order(app)
    real = payment_handler(app.services.payments)

    async def crashes_before_commit(session: AsyncSession, envelope: Envelope) -> None:
        await real(session, envelope)
        raise RuntimeError("process died before COMMIT")

    cancel = cancelled(order_id)
    with pytest.raises(RuntimeError):
        await app.deliver(cancel, crashes_before_commit)
    [refund_id] = await app.sandbox_references("refund")
    # when the event is redelivered
    await app.deliver(cancel)
    # then the same refund is recorded once, and money went back once
    payment = await app.payment(order_id)
    assert payment is not None and payment.status == PaymentStatus.REFUNDED
    assert payment.refund_id == refund_id and await app.refunds() == 1
    assert len(await app.published("PaymentRefunded")) == 1


async def test_a_payment_is_refunded_only_by_the_provider_that_charged_it(app: Harness) -> None:
    # given a sandbox charge, and the service since switched to another provider
    order_id = await paid_order(app)
    app.sandbox.name = "stripe"
    # when the order is cancelled, the refund is refused rather than sent to the wrong provider
    with pytest.raises(RefundFailed, match="charged by sandbox"):
        await app.deliver(cancelled(order_id))
    assert await app.refunds() == 0
