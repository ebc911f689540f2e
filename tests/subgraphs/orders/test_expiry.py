"""Unpaid orders expire: the sweep cancels PENDING orders older than the payment timeout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.streaming.harness import eventually
from tests.subgraphs.orders.harness import BOB, Harness, open_harness, paid

LATER = timedelta(seconds=900 + 60)


async def test_the_sweep_cancels_only_pending_orders_older_than_the_timeout(
    app: Harness,
) -> None:
    # given an old PENDING order, an old PAID one, and a PENDING one placed just now
    old_pending = await app.place(version=1)
    old_paid = await app.reach("PAID")
    future = datetime.now(UTC) + LATER
    app.services.orders.clock = lambda: future
    app.services.checkout.clock = lambda: future - timedelta(seconds=5)
    fresh = await app.place(BOB, version=1)
    # when the sweep runs past the timeout of the first two
    cancelled = await app.services.expiry.sweep()
    # then only the old PENDING order is cancelled, for payment timeout, announced once
    assert cancelled == 1
    assert (await app.order(old_pending["id"]))["cancellationReason"] == "payment timeout"
    assert (await app.order(old_paid["id"]))["status"] == "PAID"
    assert (await app.order(fresh["id"]))["status"] == "PENDING"
    [event] = await app.published("OrderCancelled")
    assert (event.payload.order_id, event.payload.reason) == (old_pending["id"],
                                                              "payment timeout")
    # and a second sweep, or a payment that lands late, changes nothing more
    assert await app.services.expiry.sweep() == 0
    await app.deliver(paid(old_pending))
    assert (await app.order(old_pending["id"]))["status"] == "CANCELLED"
    assert app.services.expiry.expired == 1


async def test_the_sweep_runs_by_itself_at_its_interval(database_url: str) -> None:
    async with open_harness(database_url, expire_orders=True, expiry_interval_seconds=0.05,
                            payment_timeout_seconds=1) as app:
        order = await app.place()

        async def cancelled() -> bool:
            return (await app.order(order["id"]))["status"] == "CANCELLED"

        await eventually(cancelled, within=10)
        ready = (await app.client.get("/ready")).json()
        assert ready["expired"] == 1
