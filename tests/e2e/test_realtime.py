"""Real time through the gateway with the real graphql-ws client (issue 17): who may follow an
order when several identities subscribe to the same one, the handshake's token check, a
subscription that outlives a restart of the orders subgraph, and order and payment subscriptions
that outlive the broker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.conftest import Client
from tests.e2e.node_clients import NodeSubscriptions, node_clients_missing
from tests.e2e.outbox_truth import OutboxRow, order_status, outbox_rows, payment_status
from tests.e2e.platform import Platform
from tests.e2e.saga import checkout, new_customer, new_product, wait_for_status
from tests.strict import skip_or_fail

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(420)]

# The same document for everyone: a gateway that shared one upstream stream or one completion
# between subscribers of the same operation and variables must still judge each identity.
FOLLOW = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
    id status user { email } payment { status } } }"""


@pytest.fixture
async def graphql_ws(anonymous: Client) -> AsyncIterator[NodeSubscriptions]:
    if (missing := node_clients_missing()) is not None:
        skip_or_fail(missing)
    async with NodeSubscriptions(anonymous.url) as subs:
        yield subs


async def _until_paid(subs: NodeSubscriptions, op_id: str) -> list[dict[str, Any]]:
    """Results of ``op_id`` up to PAID, or up to the first error or end."""
    seen = []
    while True:
        line = await subs.next(op_id, within=45)
        seen.append(line)
        order = ((line.get("result") or {}).get("data") or {}).get("orderStatusChanged") or {}
        if "result" not in line or line["result"].get("errors") or order.get("status") == "PAID":
            return seen


async def _following_a_paid_order(
    subs: NodeSubscriptions, anonymous: Client, admin: Client, op_id: str
) -> tuple[Client, dict[str, Any]]:
    """A new customer's order, paid, followed by its owner as ``op_id`` (seen up to PAID)."""
    owner = new_customer(anonymous)
    order = checkout(owner, new_product(admin, stock=5), 1, "pm_card_visa")
    subs.subscribe(op_id, FOLLOW, {"id": order["id"]}, owner.token)
    await _until_paid(subs, op_id)
    return owner, order


def _orders(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line["result"]["data"]["orderStatusChanged"] for line in lines]


async def test_owner_and_admin_follow_the_same_order_and_a_third_user_gets_nothing(
    graphql_ws: NodeSubscriptions, anonymous: Client, admin: Client
) -> None:
    owner, stranger = new_customer(anonymous), new_customer(anonymous)
    email = owner.data("{ me { email } }")["me"]["email"]
    order = checkout(owner, new_product(admin, stock=5), 1, "pm_card_visa")
    variables = {"id": order["id"]}
    for op_id, who in (("owner", owner), ("admin", admin), ("stranger", stranger)):
        graphql_ws.subscribe(op_id, FOLLOW, variables, who.token)

    owner_saw, admin_saw, stranger_saw = await asyncio.gather(
        *(_until_paid(graphql_ws, op_id) for op_id in ("owner", "admin", "stranger")))

    for saw in (owner_saw, admin_saw):
        orders = _orders(saw)
        assert orders[-1]["status"] == "PAID" and orders[-1]["payment"] == {"status": "SUCCEEDED"}
        assert {o["id"] for o in orders} == {order["id"]}
        assert {o["user"]["email"] for o in orders} == {email}
    assert len(stranger_saw) == 1  # refused: no order data, ever
    refused = stranger_saw[0]
    errors = refused.get("error") or refused["result"].get("errors")
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"], refused
    assert not (refused.get("result") or {}).get("data"), refused
    assert await _rest(graphql_ws, "stranger") in ([], [{"complete": True}])  # nothing after


async def _rest(subs: NodeSubscriptions, op_id: str) -> list[dict[str, Any]]:
    """What else arrives for ``op_id`` within a second (its client times dropped)."""
    rest = []
    with contextlib.suppress(TimeoutError):
        while True:
            rest.append({k: v for k, v in (await subs.next(op_id, within=1)).items()
                         if k not in ("at", "id")})
    return rest


async def test_an_invalid_token_closes_the_connection_4403_at_connection_init(
    graphql_ws: NodeSubscriptions, anonymous: Client
) -> None:
    customer = new_customer(anonymous)
    forged = customer.token[:-4] + ("AAAA" if not customer.token.endswith("AAAA") else "BBBB")
    graphql_ws.subscribe("forged", FOLLOW, {"id": "any"}, forged)
    graphql_ws.subscribe("valid", FOLLOW, {"id": "not-an-order"}, customer.token)

    refused = await graphql_ws.next("forged", within=30)
    assert refused.get("error") == {"code": 4403, "reason": "Forbidden"}, refused
    # A valid token on the same client is admitted: its operation runs and is judged itself.
    judged = await graphql_ws.next("valid", within=30)
    errors = judged.get("error") or judged["result"].get("errors")
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"], judged


SHIP = 'mutation($id: ID!) { shipOrder(id: $id, trackingNumber: "TRACK-R") { status } }'


async def test_an_orders_restart_does_not_end_the_subscription(
    graphql_ws: NodeSubscriptions, anonymous: Client, admin: Client, platform: Platform
) -> None:
    _, order = await _following_a_paid_order(graphql_ws, anonymous, admin, "follow")

    await asyncio.to_thread(platform.restart, "orders", within=120)
    await asyncio.to_thread(admin.data, SHIP, id=order["id"])

    after: list[dict[str, Any]] = []  # the order as it is on resume (documented), then SHIPPED
    while not after or after[-1].get("result", {}).get("data", {}).get(
            "orderStatusChanged", {}).get("status") != "SHIPPED":
        line = await graphql_ws.next("follow", within=60)
        assert "result" in line and not line["result"].get("errors"), line
        after.append(line)
    assert {o["status"] for o in _orders(after)} <= {"PAID", "SHIPPED"}


CANCEL = "mutation($id: ID!) { cancelOrder(id: $id) { status } }"


@contextlib.asynccontextmanager
async def _broker_away(platform: Platform) -> AsyncIterator[None]:
    """The embedded broker stopped for the block, then started again (empty: it keeps no
    topics, messages or offsets)."""
    broker = platform.broker
    assert broker is not None
    await asyncio.to_thread(broker.stop)
    try:
        yield
    finally:
        await asyncio.to_thread(broker.start)


def _changes(rows: list[OutboxRow]) -> list[OutboxRow]:
    return [row for row in rows if row.event == "OrderStatusChanged"]


# The last three in this module: the broker comes back empty (topics, offsets and all).
async def test_a_status_changed_while_the_broker_was_away_reaches_the_subscriber_once_it_is_back(
    graphql_ws: NodeSubscriptions, anonymous: Client, admin: Client, platform: Platform
) -> None:
    owner, order = await _following_a_paid_order(graphql_ws, anonymous, admin, "away")
    orders_db = platform.database_dsn("orders")

    async with _broker_away(platform):  # the cancellation's event: only in the outbox
        cancelled = await asyncio.to_thread(owner.data, CANCEL, id=order["id"])
        assert cancelled["cancelOrder"]["status"] == "CANCELLED"
        held = _changes(await outbox_rows(orders_db, order["id"]))
        assert held[-1] == OutboxRow("OrderStatusChanged", "CANCELLED", published=False), held
        assert await _rest(graphql_ws, "away") == []  # nothing can have reached the client

    line = await graphql_ws.next("away", within=90)
    assert "result" in line and not line["result"].get("errors"), line  # the stream lived on
    assert _orders([line])[0]["status"] == "CANCELLED"
    assert await _rest(graphql_ws, "away") == []  # exactly once: no duplicate, no end
    truth = _changes(await outbox_rows(orders_db, order["id"]))
    assert [row for row in truth if row.status == "CANCELLED"] == [
        OutboxRow("OrderStatusChanged", "CANCELLED", published=True)]
    assert await order_status(orders_db, order["id"]) == "CANCELLED"


async def test_an_order_placed_while_the_broker_was_away_is_paid_and_pushed_once_it_is_back(
    graphql_ws: NodeSubscriptions, anonymous: Client, admin: Client, platform: Platform
) -> None:
    owner, product = new_customer(anonymous), new_product(admin, stock=5)
    orders_db = platform.database_dsn("orders")

    async with _broker_away(platform):  # the saga's first event waits in the outbox
        order = await asyncio.to_thread(checkout, owner, product, 1, "pm_card_visa")
        graphql_ws.subscribe("placed", FOLLOW, {"id": order["id"]}, owner.token)
        first = await graphql_ws.next("placed", within=45)
        assert "result" in first and _orders([first])[0]["status"] == "PENDING", first
        held = await outbox_rows(orders_db, order["id"])
        assert held == [OutboxRow("OrderCreated", None, published=False)], held

    paid = _orders(await _until_paid(graphql_ws, "placed"))
    assert [o["status"] for o in paid] == ["PAID"], paid
    assert paid[0]["payment"] == {"status": "SUCCEEDED"}
    assert await _rest(graphql_ws, "placed") == []  # exactly once: no duplicate, no end
    truth = _changes(await outbox_rows(orders_db, order["id"]))
    assert truth == [OutboxRow("OrderStatusChanged", "PAID", published=True)], truth
    assert await order_status(orders_db, order["id"]) == "PAID"


PAYMENT = """subscription($id: ID!) { paymentStatusChanged(orderId: $id) {
    id status transactionId refundId } }"""


async def test_a_refund_caused_while_the_broker_was_away_reaches_the_payment_subscriber_once(
    graphql_ws: NodeSubscriptions, anonymous: Client, admin: Client, platform: Platform
) -> None:
    owner = new_customer(anonymous)
    order = checkout(owner, new_product(admin, stock=5), 1, "pm_card_visa")
    await asyncio.to_thread(wait_for_status, owner, order["id"], {"PAID"})
    orders_db, payments_db = platform.database_dsn("orders"), platform.database_dsn("payments")
    graphql_ws.subscribe("refund", PAYMENT, {"id": order["id"]}, owner.token)
    first = await graphql_ws.next("refund", within=45)  # the payment as it is now
    assert "result" in first and not first["result"].get("errors"), first
    charged = first["result"]["data"]["paymentStatusChanged"]
    assert charged["status"] == "SUCCEEDED" and charged["refundId"] is None, charged

    # The cancellation is accepted, but its event (and so the refund) waits in orders' outbox.
    async with _broker_away(platform):
        cancelled = await asyncio.to_thread(owner.data, CANCEL, id=order["id"])
        assert cancelled["cancelOrder"]["status"] == "CANCELLED"
        held = [row for row in await outbox_rows(orders_db, order["id"])
                if row.event == "OrderCancelled"]
        assert held == [OutboxRow("OrderCancelled", None, published=False)], held
        assert await _rest(graphql_ws, "refund") == []  # nothing can have reached the client
        assert await payment_status(payments_db, order["id"]) == "SUCCEEDED"

    line = await graphql_ws.next("refund", within=120)
    assert "result" in line and not line["result"].get("errors"), line  # the stream lived on
    refunded = line["result"]["data"]["paymentStatusChanged"]
    assert refunded["id"] == charged["id"] and refunded["status"] == "REFUNDED", refunded
    assert refunded["transactionId"] == charged["transactionId"] and refunded["refundId"]
    end = await graphql_ws.next("refund", within=30)  # REFUNDED is final: the stream completes
    assert end.get("complete") is True, end
    assert await _rest(graphql_ws, "refund") == []  # exactly once: no duplicate after the end
    truth = await outbox_rows(payments_db, order["id"])
    assert truth == [OutboxRow("PaymentProcessed", "SUCCEEDED", published=True),
                     OutboxRow("PaymentRefunded", None, published=True)], truth
    assert await payment_status(payments_db, order["id"]) == "REFUNDED"
