"""Reservations nobody paid for in time are released by the sweep; a late payment is undone."""

from __future__ import annotations

import pytest

from tests.streaming.harness import eventually
from tests.subgraphs.products.harness import Harness
from tests.subgraphs.products.saga import Saga, order_created, payment


@pytest.fixture
async def reserved(app: Harness) -> tuple[Saga, str]:
    """A product that had 10 units, 4 of them reserved by order-1 for 15 minutes."""
    saga = Saga.over(app)
    product = await saga.product(stock=10)
    await saga.deliver(order_created("order-1", (product, 4)))
    return saga, product


async def test_the_sweep_releases_an_expired_reservation_and_reports_it(
    reserved: tuple[Saga, str],
) -> None:
    saga, product = reserved
    created = (await saga.events("InventoryReserved"))[0]
    # when 16 minutes pass and the sweep runs
    saga.clock.advance(minutes=16)
    expired = await saga.app.services.sweeper.sweep()
    # then the units are back and orders is told the reservation expired
    assert expired == 1
    assert await saga.statuses("order-1") == {product: "RELEASED"}
    assert await saga.stock(product) == 10
    [failed] = await saga.events("InventoryReservationFailed")
    assert (failed.payload.order_id, failed.payload.user_id) == ("order-1", "user-1")
    assert failed.payload.reason == "reservation expired"
    assert failed.correlation_id == created.correlation_id  # still the order's saga
    released = (await saga.events("InventoryUpdated"))[-1]
    assert (released.payload.delta, released.payload.reason) == (4, "reservation expired")


async def test_the_sweep_leaves_live_and_paid_reservations_alone(
    reserved: tuple[Saga, str],
) -> None:
    saga, product = reserved
    # given order-1 was paid and order-2 reserved later
    await saga.deliver(payment("order-1", "SUCCEEDED"))
    saga.clock.advance(minutes=10)
    await saga.deliver(order_created("order-2", (product, 1)))
    # when 10 more minutes pass (order-1 would be overdue, order-2 is not)
    saga.clock.advance(minutes=10)
    # then the sweep expires nothing
    assert await saga.app.services.sweeper.sweep() == 0
    assert await saga.statuses("order-1") == {product: "COMMITTED"}
    assert await saga.statuses("order-2") == {product: "RESERVED"}
    assert await saga.stock(product) == 5


async def test_a_payment_after_expiry_is_reported_as_reservation_expired(
    reserved: tuple[Saga, str],
) -> None:
    saga, product = reserved
    # given the reservation expired and was swept
    saga.clock.advance(minutes=16)
    await saga.app.services.sweeper.sweep()
    # when the charge succeeds after all
    await saga.deliver(payment("order-1", "SUCCEEDED"))
    # then the units stay released and a second failure tells orders (cancel) and payments (refund)
    assert await saga.statuses("order-1") == {product: "RELEASED"}
    assert await saga.stock(product) == 10
    failures = await saga.events("InventoryReservationFailed")
    assert [f.payload.reason for f in failures] == ["reservation expired"] * 2


async def test_a_sweep_twice_releases_once(reserved: tuple[Saga, str]) -> None:
    saga, product = reserved
    saga.clock.advance(minutes=16)
    # when two sweeps run back to back
    assert await saga.app.services.sweeper.sweep() == 1
    assert await saga.app.services.sweeper.sweep() == 0
    # then the units came back once
    assert await saga.stock(product) == 10


async def test_the_cache_shows_stock_given_back_by_the_sweep(reserved: tuple[Saga, str]) -> None:
    saga, product = reserved
    read = "query($id: ID!) { product(id: $id) { stock } }"
    assert (await saga.app.gql(read, {"id": product}))["data"]["product"]["stock"] == 6
    # when the reservation expires
    saga.clock.advance(minutes=16)
    await saga.app.services.sweeper.sweep()
    # then the next read shows the units back
    assert (await saga.app.gql(read, {"id": product}))["data"]["product"]["stock"] == 10


async def test_the_running_sweeper_expires_reservations_on_its_own(
    reserved: tuple[Saga, str],
) -> None:
    saga, product = reserved
    sweeper = saga.app.services.sweeper
    sweeper.interval = 0.05
    # given the sweeper running as the app runs it
    await sweeper.start()
    try:
        # when the reservation's time runs out
        saga.clock.advance(minutes=16)
        # then the units come back without anyone asking
        await eventually(lambda: _stock_is(saga, product, 10), within=5)
    finally:
        await sweeper.stop()
    assert sweeper.expired == 1


async def _stock_is(saga: Saga, product: str, expected: int) -> bool:
    return await saga.stock(product) == expected
