"""A status move driven by an event reads the order's row only, and writes what it always did."""

from __future__ import annotations

from sqlalchemy import event

from tests.subgraphs.orders.harness import Harness, paid, reservation_failed


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
    engine = app.services.database.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()).lower())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await app.deliver(paid(first))
        await app.deliver(reservation_failed(second))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    # then each read the order's row alone, once: no lines, no history
    reads = [s for s in statements if s.startswith("select") and "inbox" not in s]
    assert len(reads) == 2, reads
    assert not [s for s in reads if "order_items" in s or "order_status_changes" in s], reads
    assert {(await app.order(o["id"]))["status"] for o in (first, second)} == {"PAID",
                                                                               "CANCELLED"}
