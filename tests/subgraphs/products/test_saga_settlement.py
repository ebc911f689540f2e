"""After payment: success commits the held units, failure and cancellation give them back once."""

from __future__ import annotations

import pytest

from streaming.events import Envelope
from tests.subgraphs.products.harness import Harness
from tests.subgraphs.products.saga import Saga, cancelled, order_created, payment


@pytest.fixture
async def reserved(app: Harness) -> tuple[Saga, str]:
    """A product that had 10 units, 4 of them reserved by order-1."""
    saga = Saga.over(app)
    product = await saga.product(stock=10)
    await saga.deliver(order_created("order-1", (product, 4)))
    return saga, product


async def test_a_successful_payment_commits_the_reservation(reserved: tuple[Saga, str]) -> None:
    saga, product = reserved
    # when the charge succeeds
    await saga.deliver(payment("order-1", "SUCCEEDED"))
    # then the units stay sold and nothing else is announced
    assert await saga.statuses("order-1") == {product: "COMMITTED"}
    assert await saga.stock(product) == 6
    assert len(await saga.events("InventoryUpdated")) == 1  # the reservation's only
    assert await saga.events("InventoryReservationFailed") == []


async def test_a_failed_payment_releases_the_stock_at_once(reserved: tuple[Saga, str]) -> None:
    saga, product = reserved
    # when the card is declined
    paid = await saga.deliver(payment("order-1", "FAILED"))
    # then the units are back and the change is announced within the saga
    assert await saga.statuses("order-1") == {product: "RELEASED"}
    assert await saga.stock(product) == 10
    released = (await saga.events("InventoryUpdated"))[-1]
    assert (released.payload.stock, released.payload.delta) == (10, 4)
    assert (released.payload.reason, released.payload.order_id) == ("payment failed", "order-1")
    assert released.correlation_id == paid.correlation_id


async def test_cancelling_an_unpaid_order_releases_its_stock(reserved: tuple[Saga, str]) -> None:
    saga, product = reserved
    # when the customer cancels before paying
    await saga.deliver(cancelled("order-1"))
    # then the units are back
    assert await saga.statuses("order-1") == {product: "RELEASED"}
    assert await saga.stock(product) == 10
    assert (await saga.events("InventoryUpdated"))[-1].payload.reason == "order cancelled"


async def test_cancelling_a_paid_order_restocks_the_committed_units(
    reserved: tuple[Saga, str],
) -> None:
    saga, product = reserved
    # given the order was paid
    await saga.deliver(payment("order-1", "SUCCEEDED"))
    # when it is cancelled (payments refunds the charge)
    await saga.deliver(cancelled("order-1"))
    # then the units go back on sale
    assert await saga.statuses("order-1") == {product: "RELEASED"}
    assert await saga.stock(product) == 10


@pytest.mark.parametrize("late", ["payment-failed", "cancelled"])
async def test_duplicated_or_late_events_never_release_twice(
    reserved: tuple[Saga, str], late: str
) -> None:
    saga, product = reserved
    # given the reservation was released by a declined card
    declined = Envelope.wrap(payment("order-1", "FAILED"))
    await saga.deliver(declined)
    # when the same event comes again, and another release under a new event id
    await saga.deliver(declined)
    await saga.deliver(payment("order-1", "FAILED") if late == "payment-failed"
                       else cancelled("order-1"))
    # then the units were given back exactly once
    assert await saga.stock(product) == 10
    assert [e.payload.delta for e in await saga.events("InventoryUpdated")] == [-4, 4]


async def test_a_repeated_payment_success_changes_nothing(reserved: tuple[Saga, str]) -> None:
    saga, product = reserved
    # when two PaymentProcessed SUCCEEDED arrive (e.g. republished under a new id)
    await saga.deliver(payment("order-1", "SUCCEEDED"))
    await saga.deliver(payment("order-1", "SUCCEEDED"))
    # then the reservation is committed once and no failure is reported
    assert await saga.statuses("order-1") == {product: "COMMITTED"}
    assert await saga.stock(product) == 6
    assert await saga.events("InventoryReservationFailed") == []


async def test_events_for_an_unknown_order_change_nothing(app: Harness) -> None:
    # given a product and no reservation for order-9
    saga = Saga.over(app)
    product = await saga.product(stock=3)
    # when a payment and a cancellation for order-9 arrive
    await saga.deliver(payment("order-9", "SUCCEEDED"))
    await saga.deliver(payment("order-9", "FAILED"))
    await saga.deliver(cancelled("order-9"))
    # then nothing moved and nothing was announced
    assert await saga.stock(product) == 3
    assert await saga.events() == []

