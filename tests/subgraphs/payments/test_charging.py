"""InventoryReserved -> one charge per order (key = order id) -> payment + PaymentProcessed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, OrderCreated, PaymentStatus, PoisonMessageError
from subgraphs.payments.events.handlers import payment_handler
from tests.subgraphs.harness import counted_statements
from tests.subgraphs.payments.harness import Harness, cancelled, reserved


async def crash_before_commit(app: Harness, event: Envelope) -> None:
    """Handle ``event`` in a transaction that fails after the provider was called."""
    real = payment_handler(app.services.payments)

    async def crashes_before_commit(session: AsyncSession, envelope: Envelope) -> None:
        await real(session, envelope)
        raise RuntimeError("process died before COMMIT")

    with pytest.raises(RuntimeError):
        await app.deliver(event, crashes_before_commit)


async def test_a_good_card_is_charged_and_payment_processed_is_enqueued(app: Harness) -> None:
    # given a reservation paid with pm_card_visa
    event = reserved(amount=4250)
    # when payments handles it
    await app.deliver(event)
    # then the payment SUCCEEDED with the provider's transaction id, and the event waits in the
    # outbox, in the saga's correlation
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount == 4250 and payment.currency == "EUR"
    assert payment.transaction_id and payment.failure_reason is None
    [processed] = await app.published("PaymentProcessed")
    assert processed.payload.status == PaymentStatus.SUCCEEDED
    assert processed.payload.transaction_id == payment.transaction_id
    assert processed.payload.payment_id == payment.id
    assert processed.key == event.payload.order_id
    assert processed.correlation_id == event.correlation_id
    assert await app.charges() == 1


async def test_a_charge_reads_the_payment_and_the_cancellation_in_one_select(
        app: Harness) -> None:
    # given a reservation of an order cancelled meanwhile
    event = reserved(amount=4250)
    await app.deliver(cancelled(event.payload.order_id))
    # when payments handles the reservation
    with counted_statements(app.services.database.engine) as statements:
        await app.deliver(event)
    # then one SELECT asked for both, and the cancellation was heard: no charge
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")
             and ("payments" in s or "cancelled_orders" in s)]
    assert len(reads) == 1, reads
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == "order cancelled"
    assert await app.charges() == 0


@pytest.mark.parametrize(
    ("method", "reason"),
    [
        ("pm_card_chargeDeclined", "card_declined"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
        ("pm_card_nonsense", "invalid payment method"),
    ],
)
async def test_a_declined_or_unknown_card_fails_with_its_reason(
    app: Harness, method: str, reason: str
) -> None:
    event = reserved(payment_method=method)

    await app.deliver(event)

    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == reason
    [processed] = await app.published("PaymentProcessed")
    assert processed.payload.status == PaymentStatus.FAILED
    assert processed.payload.failure_reason == reason


async def test_mastercard_succeeds_too(app: Harness) -> None:
    event = reserved(payment_method="pm_card_mastercard")
    await app.deliver(event)
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED


async def test_the_same_event_delivered_twice_charges_once(app: Harness) -> None:
    event = reserved()

    await app.deliver(event)
    await app.deliver(event)

    assert await app.charges() == 1
    assert len(await app.published("PaymentProcessed")) == 1


async def test_a_second_reservation_event_for_a_settled_order_charges_nothing(
    app: Harness,
) -> None:
    # given an order already charged
    first = reserved()
    await app.deliver(first)
    # when another InventoryReserved (a new event id) arrives for the same order
    await app.deliver(reserved(first.payload.order_id))
    # then nothing more happens: one charge, one PaymentProcessed
    assert await app.charges() == 1
    assert len(await app.published("PaymentProcessed")) == 1


async def test_a_crash_after_the_charge_but_before_the_commit_is_retried_into_the_same_charge(
    app: Harness,
) -> None:
    # given a handler whose transaction fails after the provider charged the card
    event = reserved()
    await crash_before_commit(app, event)
    assert await app.payment(event.payload.order_id) is None  # nothing of ours survived
    [charged] = await app.sandbox_references("charge")
    # when the event is redelivered
    await app.deliver(event)
    # then the provider answered the same key with the same charge: one charge, recorded once
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.transaction_id == charged
    assert await app.charges() == 1
    assert len(await app.published("PaymentProcessed")) == 1


async def test_a_charge_orphaned_by_a_crash_is_refunded_when_the_order_was_cancelled_meanwhile(
    app: Harness,
) -> None:
    # regression (chaos suite): payments died after the provider charged and before the commit,
    # the order was cancelled before the reservation came again, and the charge was kept
    event = reserved()
    await crash_before_commit(app, event)
    await app.deliver(cancelled(event.payload.order_id))  # finds no payment to refund
    # when the reservation is delivered again
    await app.deliver(event)
    # then the earlier charge is recorded and refunded: no money kept for a cancelled order
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.REFUNDED
    assert (await app.charges(), await app.refunds()) == (1, 1)
    assert len(await app.published("PaymentRefunded")) == 1


async def test_an_expired_reservation_is_not_charged(app: Harness) -> None:
    # given a reservation whose hold ran out while payments was down
    event = reserved(expires_in=timedelta(seconds=-1))

    await app.deliver(event)

    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == "reservation expired" and payment.transaction_id is None
    [processed] = await app.published("PaymentProcessed")
    assert processed.payload.failure_reason == "reservation expired"
    assert await app.charges() == 0


async def test_a_reservation_without_expiry_is_charged(app: Harness) -> None:
    event = reserved(expires_in=None)
    await app.deliver(event)
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.SUCCEEDED


async def test_an_order_cancelled_before_its_reservation_arrived_is_not_charged(
    app: Harness,
) -> None:
    # given payments read the cancellation first (the topics are not ordered with each other)
    event = reserved()
    await app.deliver(cancelled(event.payload.order_id))
    # when the reservation arrives
    await app.deliver(event)
    # then no charge; the saga still hears a final answer
    payment = await app.payment(event.payload.order_id)
    assert payment is not None and payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == "order cancelled"
    assert await app.charges() == 0
    assert [e.payload.status for e in await app.published("PaymentProcessed")] == ["FAILED"]



async def test_a_reservation_whose_total_changed_for_a_charged_key_is_a_poison_message(
    app: Harness,
) -> None:
    # given the provider already charged this order id for another amount (e.g. an earlier
    # attempt whose result was lost with a rolled-back transaction)
    event = reserved(amount=1000)
    await app.sandbox.charge(event.payload.order_id, 999, "EUR", "pm_card_visa",
                             event.payload.order_id)
    # when the reservation is handled, it is dead-lettered at once, and nothing is recorded
    with pytest.raises(PoisonMessageError, match="idempotency key"):
        await app.deliver(event)
    assert await app.payment(event.payload.order_id) is None
    assert await app.charges() == 1


async def test_events_payments_does_not_handle_change_nothing(app: Harness) -> None:
    other = Envelope.wrap(OrderCreated.model_validate({
        "orderId": "order-x", "userId": "user-1", "paymentMethod": "pm_card_visa",
        "total": {"amount": 5, "currency": "EUR"},
        "items": [{"productId": "p", "quantity": 1, "unitPrice": {"amount": 5, "currency": "EUR"}}],
    }))

    await app.deliver(other)

    assert await app.payment("order-x") is None and await app.published() == []
