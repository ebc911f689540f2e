"""OrderCreated reserves every line or none, and says exactly what is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streaming.events import Envelope
from tests.subgraphs.products.harness import Harness, count_queries
from tests.subgraphs.products.saga import Saga, order_created


@pytest.fixture
def saga(app: Harness) -> Saga:
    return Saga.over(app)


async def test_a_reservation_takes_the_stock_and_announces_it_in_the_outbox(saga: Saga) -> None:
    # given two products with 10 and 5 units
    a, b = await saga.product(stock=10), await saga.product(stock=5)
    # when an order for 3 of a and 5 of b is created
    created = await saga.deliver(order_created("order-1", (a, 3), (b, 5)))
    # then stock went down and every line is RESERVED
    assert (await saga.stock(a), await saga.stock(b)) == (7, 0)
    assert await saga.statuses("order-1") == {a: "RESERVED", b: "RESERVED"}
    # and one InventoryUpdated per product and InventoryReserved wait in the outbox
    updated = {e.payload.product_id: e.payload for e in await saga.events("InventoryUpdated")}
    assert {pid: (u.stock, u.delta, u.reason) for pid, u in updated.items()} == {
        a: (7, -3, "reserved"), b: (0, -5, "reserved")}
    [reserved] = await saga.events("InventoryReserved")
    assert reserved.payload.expires_at == saga.clock.now + timedelta(minutes=15)
    assert {(i.product_id, i.quantity) for i in reserved.payload.items} == {(a, 3), (b, 5)}
    assert reserved.payload.payment_method == "pm_card_visa"
    assert reserved.correlation_id == created.correlation_id  # one saga, one correlation id


async def test_lines_for_the_same_product_are_summed(saga: Saga) -> None:
    # given a product with 10 units
    a = await saga.product(stock=10)
    # when an order holds two lines of it
    await saga.deliver(order_created("order-1", (a, 2), (a, 4)))
    # then one reservation of 6 is made
    assert await saga.stock(a) == 4
    [reserved] = await saga.events("InventoryReserved")
    assert [(i.product_id, i.quantity) for i in reserved.payload.items] == [(a, 6)]


async def test_a_failed_reservation_leaves_all_stock_untouched_and_names_the_shortage(
    saga: Saga,
) -> None:
    # given a product with plenty and one with only 2 units
    plenty = await saga.product(stock=10)
    scarce = await saga.product(stock=2, name="Scarce Lamp")
    # when an order wants 1 of the first and 3 of the second
    await saga.deliver(order_created("order-1", (plenty, 1), (scarce, 3)))
    # then nothing was taken, not even the line that fitted
    assert (await saga.stock(plenty), await saga.stock(scarce)) == (10, 2)
    assert await saga.events("InventoryUpdated") == []
    assert await saga.events("InventoryReserved") == []
    # and the failure says why, line by line
    [failed] = await saga.events("InventoryReservationFailed")
    assert failed.payload.reason.startswith("insufficient stock for SKU-")
    assert "(Scarce Lamp): 3 requested, 2 available" in failed.payload.reason
    assert [(s.product_id, s.quantity, s.available) for s in failed.payload.shortages] == [
        (scarce, 3, 2)]


async def test_every_short_line_is_named_and_no_line_is_taken(saga: Saga) -> None:
    # given three products: one with plenty, two with too little for the order
    stocks = {await saga.product(stock=units): units for units in (10, 1, 0)}
    _plenty, *short = stocks
    # when one order wants 2 of each, and 1 of an id that cannot exist
    impossible = "x" * 40
    await saga.deliver(order_created("order-1", *[(pid, 2) for pid in stocks], (impossible, 1)))
    # then no stock moved, not even the line that fitted, and every short line is named
    assert {pid: await saga.stock(pid) for pid in stocks} == stocks
    assert await saga.events("InventoryUpdated") == []
    [failed] = await saga.events("InventoryReservationFailed")
    assert sorted((s.product_id, s.quantity, s.available) for s in failed.payload.shortages) == (
        sorted([(short[0], 2, 1), (short[1], 2, 0), (impossible, 1, 0)]))
    assert await saga.statuses("order-1") == dict.fromkeys(stocks, "REJECTED")


async def test_an_unknown_product_fails_the_reservation(saga: Saga) -> None:
    # given one real product
    real = await saga.product(stock=5)
    # when an order also names a product that does not exist
    await saga.deliver(order_created("order-1", (real, 1), ("no-such-product", 1)))
    # then nothing is held and the reason names the unknown product
    assert await saga.stock(real) == 5
    [failed] = await saga.events("InventoryReservationFailed")
    assert failed.payload.reason == "unknown product no-such-product"
    assert [(s.product_id, s.available) for s in failed.payload.shortages] == [
        ("no-such-product", 0)]


async def test_the_same_order_created_event_delivered_twice_reserves_once(saga: Saga) -> None:
    # given a product with 10 units and an OrderCreated for 4 of them
    a = await saga.product(stock=10)
    event = Envelope.wrap(order_created("order-1", (a, 4)))
    # when the event is delivered twice, and once more under a new event id
    await saga.deliver(event)
    await saga.deliver(event)
    await saga.deliver(order_created("order-1", (a, 4)))
    # then stock went down once and one InventoryReserved was written
    assert await saga.stock(a) == 6
    assert len(await saga.events("InventoryReserved")) == 1


async def test_a_repeated_order_after_a_failure_fails_again_even_when_stock_arrived(
    saga: Saga,
) -> None:
    # given an order that failed for lack of stock
    a = await saga.product(stock=1)
    await saga.deliver(order_created("order-1", (a, 2)))
    # when stock arrives and the order's OrderCreated comes again under a new event id
    await _restock(saga, a, 5)
    await saga.deliver(order_created("order-1", (a, 2)))
    # then the order is not reserved behind the failure orders has already acted on
    assert await saga.stock(a) == 6
    assert await saga.events("InventoryReserved") == []
    assert await saga.statuses("order-1") == {a: "REJECTED"}


async def test_the_cache_shows_the_new_stock_after_a_reservation(cached_app: Harness) -> None:
    # given a product with 10 units whose stock has been read (and cached: memory and Redis)
    saga = Saga.over(cached_app)
    a = await saga.product(stock=10)
    read = "query($id: ID!) { product(id: $id) { stock } }"
    assert (await saga.app.gql(read, {"id": a}))["data"]["product"]["stock"] == 10
    # when an order reserves 4
    await saga.deliver(order_created("order-1", (a, 4)))
    # then the next read shows 6
    assert (await saga.app.gql(read, {"id": a}))["data"]["product"]["stock"] == 6


async def _restock(saga: Saga, product_id: str, delta: int) -> None:
    async with saga.app.services.database.transaction() as session:
        await saga.app.services.products.adjust_stock(session, product_id, delta)


async def test_a_reservation_rolled_back_by_its_caller_leaves_stock_untouched(saga: Saga) -> None:
    # Regression: on SQLite a SAVEPOINT before the transaction's first write ran as a
    # transaction of its own, so its stock decrements survived the caller's rollback.
    a = await saga.product(stock=5)
    services = saga.app.services
    event = Envelope.wrap(order_created("order-1", (a, 2)))
    # when a reservation runs in a transaction that then fails
    with pytest.raises(RuntimeError):
        async with services.database.transaction() as session:
            await services.inventory.reserve(session, event)
            raise RuntimeError("the boundary failed after the handler")
    # then nothing of it remains
    assert await saga.stock(a) == 5
    assert await saga.statuses("order-1") == {}


async def test_a_one_line_order_is_claimed_without_a_separate_lookup(saga: Saga) -> None:
    # given a product and an OrderCreated of one line
    a = await saga.product(stock=10)
    # when it is reserved
    with count_queries(saga.app.services.database.engine) as statements:
        await saga.deliver(order_created("order-1", (a, 4)))
    # then the claim of the order was its INSERT: no SELECT asked about reservations first
    lookups = [s for s in statements
               if s.lstrip().upper().startswith("SELECT") and "reservations" in s]
    assert lookups == []
    assert await saga.stock(a) == 6


async def test_a_reservation_writes_its_events_to_the_outbox_in_one_insert(saga: Saga) -> None:
    # Regression: each InventoryUpdated and the InventoryReserved was an INSERT of its own.
    # given two products
    a, b = await saga.product(stock=10), await saga.product(stock=10)
    # when an order of both is reserved
    with count_queries(saga.app.services.database.engine) as statements:
        await saga.deliver(order_created("order-1", (a, 1), (b, 2)))
    # then one statement wrote its three outbox rows
    outbox = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO OUTBOX")]
    assert len(outbox) == 1, statements
    # in the order they were always written: each product's update (in product-id order),
    # then the reservation
    written = [(e.type, getattr(e.payload, "product_id", None)) for e in await saga.events()]
    first, second = sorted((a, b))
    assert written == [("InventoryUpdated", first), ("InventoryUpdated", second),
                       ("InventoryReserved", None)]
