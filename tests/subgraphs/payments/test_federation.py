"""Federation: the SDL, ``_entities`` for Payment and Order, and who sees ``Order.payment``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from tests.subgraphs.payments.harness import Harness, reserved

OWNER = "user-owner"
PAYMENT_FIELDS = "id status amount { amount currency } transactionId failureReason createdAt"
ORDER_PAYMENT = (
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id payment { "
    f"{PAYMENT_FIELDS} order {{ id }} }} }} }} }}"
)
PAYMENT_ENTITY = (
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on Payment { "
    f"{PAYMENT_FIELDS} }} }} }}"
)


async def paid(app: Harness, payment_method: str = "pm_card_visa") -> str:
    event = reserved(user_id=OWNER, payment_method=payment_method)
    await app.deliver(event)
    return event.payload.order_id


async def order_payment(app: Harness, order_id: str, token: str | None) -> Any:
    result = await app.gql(ORDER_PAYMENT, {"r": [{"__typename": "Order", "id": order_id}]},
                           token=token)
    assert "errors" not in result, result
    return result["data"]["_entities"][0]["payment"]


async def test_the_sdl_declares_the_entities_and_shareable_money(app: Harness) -> None:
    result = await app.gql("{ _service { sdl } }")

    sdl = result["data"]["_service"]["sdl"]
    assert 'type Payment @key(fields: "id")' in sdl
    assert 'type Order @key(fields: "id")' in sdl
    assert "payment: Payment\n" in sdl
    assert "type Money @shareable" in sdl
    assert "enum PaymentStatus" in sdl and "REFUNDED" in sdl


async def test_the_owner_sees_the_payment_of_their_order(app: Harness) -> None:
    order_id = await paid(app)

    payment = await order_payment(app, order_id, app.token(OWNER))

    assert payment["status"] == "SUCCEEDED"
    assert payment["amount"] == {"amount": 3998, "currency": "EUR"}
    assert payment["transactionId"].startswith("ch_sbx_")
    assert payment["order"] == {"id": order_id}


async def test_an_admin_sees_any_payment(app: Harness) -> None:
    order_id = await paid(app, "pm_card_chargeDeclined")

    payment = await order_payment(app, order_id, app.token("staff-1", "admin"))

    assert payment["status"] == "FAILED" and payment["failureReason"] == "card_declined"


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
async def test_anyone_else_gets_null(app: Harness, who: str) -> None:
    order_id = await paid(app)
    token = app.token("someone-else") if who == "stranger" else None

    assert await order_payment(app, order_id, token) is None


async def test_an_order_without_a_payment_has_null(app: Harness) -> None:
    assert await order_payment(app, "order-unknown", app.token(OWNER, "admin")) is None


async def test_payment_entities_resolve_by_id_in_order_with_null_for_unknown_or_hidden(
    app: Harness,
) -> None:
    # given two payments of the owner and one of somebody else
    mine = [await app.payment(await paid(app)) for _ in range(2)]
    theirs_event = reserved(user_id="other")
    await app.deliver(theirs_event)
    theirs = await app.payment(theirs_event.payload.order_id)
    ids = [mine[1].id, "missing", theirs.id, mine[0].id]  # type: ignore[union-attr]
    # when the gateway asks for them on the owner's behalf
    reps = [{"__typename": "Payment", "id": i} for i in ids]
    result = await app.gql(PAYMENT_ENTITY, {"r": reps}, token=app.token(OWNER))
    # then one result per representation, in order
    entities = result["data"]["_entities"]
    assert [e and e["id"] for e in entities] == [mine[1].id, None, None, mine[0].id]  # type: ignore[union-attr]


async def test_many_orders_load_their_payments_in_one_query(app: Harness) -> None:
    order_ids = [await paid(app) for _ in range(4)]
    reps = [{"__typename": "Order", "id": i} for i in order_ids]
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = app.services.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = await app.gql(ORDER_PAYMENT, {"r": reps}, token=app.token(OWNER))
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert [e["payment"]["status"] for e in result["data"]["_entities"]] == ["SUCCEEDED"] * 4
    assert len([s for s in statements if "FROM payments" in s]) == 1


async def test_a_bad_token_is_unauthenticated_not_anonymous(app: Harness) -> None:
    order_id = await paid(app)

    result = await app.gql(ORDER_PAYMENT, {"r": [{"__typename": "Order", "id": order_id}]},
                           token="not-a-jwt")

    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
