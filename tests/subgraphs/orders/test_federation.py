"""Federation: the SDL, and ``_entities`` resolving Orders by id for their owner only."""

from __future__ import annotations

from tests.subgraphs.orders.harness import ADA, ADMIN, BOB, Harness

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id status " \
           "total { amount } user { id } } } }"


async def test_the_sdl_declares_the_entities_the_enum_and_shareable_types(app: Harness) -> None:
    sdl = (await app.ok("{ _service { sdl } }"))["sdl"]
    for expected in ('type Order @key(fields: "id")', 'type User @key(fields: "id")',
                     'type Product @key(fields: "id", resolvable: false)',
                     "type Money @shareable", "type PageInfo @shareable",
                     "enum OrderStatus",
                     'checkout(paymentMethod: String! = "pm_card_visa"): Order!',
                     "cancelOrder(id: ID!): Order!",
                     "shipOrder(id: ID!, trackingNumber: String!): Order!",
                     "orders(first: Int", "statusHistory: [OrderStatusChange!]!",
                     "cancellationReason: String", "productName: String!"):
        assert expected in sdl, expected
    for status in ("PENDING", "PAID", "PAYMENT_FAILED", "CANCELLED", "SHIPPED", "DELIVERED"):
        assert f"  {status}\n" in sdl


async def test_entities_resolve_orders_in_input_order_and_null_for_others(app: Harness) -> None:
    first, second = await app.place(ADA, version=1), await app.place(ADA, version=2)
    bobs = await app.place(BOB, version=1)
    reps = {"r": [{"__typename": "Order", "id": i} for i in
                  (second["id"], "unknown", first["id"], bobs["id"])]}
    result = await app.ok(ENTITIES, reps, user=ADA)
    assert [e and e["id"] for e in result] == [second["id"], None, first["id"], None]
    assert result[0] == {"id": second["id"], "status": "PENDING", "total": {"amount": 2500},
                         "user": {"id": ADA.id}}
    assert [e and e["id"] for e in await app.ok(ENTITIES, reps, user=ADMIN)] == [
        second["id"], None, first["id"], bobs["id"]]
    assert await app.ok(ENTITIES, reps) == [None, None, None, None]
