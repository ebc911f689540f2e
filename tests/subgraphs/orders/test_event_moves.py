"""A status move driven by an event reads the order's row only, and writes what it always did."""

from __future__ import annotations

import pytest

from tests.subgraphs.harness import counted_statements
from tests.subgraphs.orders.harness import Harness, open_harness, paid, reservation_failed


async def test_a_payment_emits_the_same_status_change_and_history_as_a_whole_order_read(
    app: Harness,
) -> None:
    # given a PENDING order of one line
    order = await app.place()
    before = await app.order(order["id"])
    # when its payment succeeds
    payment = paid(order)
    await app.deliver(payment)
    # then OrderStatusChanged says exactly what it said when the whole order was read first
    [changed] = await app.published("OrderStatusChanged")
    assert changed.payload.model_dump(mode="json") == {
        "orderId": order["id"], "userId": order["user"]["id"],
        "previousStatus": "PENDING", "status": "PAID", "reason": None,
    }
    assert changed.correlation_id == payment.correlation_id
    assert changed.traceparent.split("-")[1] == payment.traceparent.split("-")[1]
    # and the order kept its lines and total and gained one history row
    after = await app.order(order["id"])
    assert (after["items"], after["total"]) == (before["items"], before["total"])
    assert [(h["previousStatus"], h["status"], h["reason"]) for h in after["statusHistory"]] == [
        (None, "PENDING", None), ("PENDING", "PAID", None)]


async def test_an_event_driven_move_reads_neither_lines_nor_history(app: Harness) -> None:
    # given two PENDING orders
    first, second = await app.place(version=1), await app.place(version=2)
    # when one is paid and the other's reservation fails
    with counted_statements(app.services.database.engine) as sent:
        await app.deliver(paid(first))
        await app.deliver(reservation_failed(second))
    # then each read the order's row alone, at most once: no lines, no history
    statements = [" ".join(s.split()).lower() for s in sent]
    reads = [s for s in statements if s.startswith("select") and "inbox" not in s]
    assert len(reads) <= 2, reads
    assert not [s for s in statements
                if "from order_items" in s or "from order_status_changes" in s], statements
    assert {(await app.order(o["id"]))["status"] for o in (first, second)} == {"PAID",
                                                                               "CANCELLED"}


@pytest.mark.integration
async def test_a_payment_moves_the_order_in_one_statement_on_postgresql(
    postgres_url: str,
) -> None:
    async with open_harness(postgres_url) as app:
        # given a PENDING order
        order = await app.place()
        # when its payment succeeds
        with counted_statements(app.services.database.engine) as sent:
            await app.deliver(paid(order))
        # then one round trip moved it and wrote its history row (besides inbox and outbox)
        moves = [s for s in sent if "inbox" not in s and "outbox" not in s]
        assert len(moves) == 1, moves
        assert (await app.order(order["id"]))["status"] == "PAID"


async def test_a_payment_for_an_order_no_longer_pending_moves_nothing(app: Harness) -> None:
    # given an order its owner cancelled
    order = await app.place()
    await app.act("cancel", order)
    # when a payment for it arrives late
    await app.deliver(paid(order))
    # then it stays CANCELLED with the history it had, and no PAID is announced
    after = await app.order(order["id"])
    assert after["status"] == "CANCELLED"
    assert [h["status"] for h in after["statusHistory"]] == ["PENDING", "CANCELLED"]
    assert not [e for e in await app.published("OrderStatusChanged")
                if e.payload.status == "PAID"]


async def test_a_payment_for_an_unknown_order_changes_nothing(app: Harness) -> None:
    # given no order at all
    ghost = {"id": "no-such-order", "user": {"id": "user-ada"},
             "total": {"amount": 100, "currency": "USD"}}
    # when a payment for it arrives
    await app.deliver(paid(ghost))
    # then nothing is written or announced
    assert await app.published("OrderStatusChanged") == []


async def test_a_cancellation_writes_its_two_events_in_one_outbox_insert(app: Harness) -> None:
    # Regression: OrderStatusChanged and OrderCancelled were an INSERT each.
    # given a PENDING order
    order = await app.place()
    # when its reservation fails
    with counted_statements(app.services.database.engine) as sent:
        await app.deliver(reservation_failed(order))
    # then one statement wrote both events, the status change first
    outbox = [s for s in sent if s.lstrip().upper().startswith("INSERT INTO OUTBOX")]
    assert len(outbox) == 1, sent
    written = [e.type for e in await app.published() if e.type != "OrderCreated"]
    assert written == ["OrderStatusChanged", "OrderCancelled"]
