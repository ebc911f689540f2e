"""Only an order's owner or an admin sees or changes it; other users cannot tell it exists."""

from __future__ import annotations

import pytest

from tests.subgraphs.orders.harness import ADA, ADMIN, BOB, Harness, codes_of

ORDER = "query($id: ID!) { order(id: $id) { id status } }"
CANCEL = "mutation($id: ID!) { cancelOrder(id: $id) { id } }"
SHIP = 'mutation($id: ID!) { shipOrder(id: $id, trackingNumber: "1Z") { id } }'
ORDERS = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders { " \
         "totalCount } } } }"


async def test_the_owner_and_an_admin_read_an_order(app: Harness) -> None:
    order = await app.place(ADA)
    for reader in (ADA, ADMIN):
        assert await app.ok(ORDER, {"id": order["id"]}, user=reader) == {
            "id": order["id"], "status": "PENDING"}


async def test_another_user_gets_not_found_exactly_as_for_no_order(app: Harness) -> None:
    order = await app.place(ADA)
    theirs = await app.gql(ORDER, {"id": order["id"]}, user=BOB)
    nothing = await app.gql(ORDER, {"id": "no-such-order"}, user=BOB)
    assert codes_of(theirs) == codes_of(nothing) == ["NOT_FOUND"]
    assert theirs["errors"][0]["message"] == nothing["errors"][0]["message"]
    assert theirs["data"] == nothing["data"] == {"order": None}


async def test_reading_an_order_needs_a_signed_in_user(app: Harness) -> None:
    order = await app.place(ADA)
    assert codes_of(await app.gql(ORDER, {"id": order["id"]})) == ["UNAUTHENTICATED"]


async def test_another_user_cannot_cancel_and_learns_nothing(app: Harness) -> None:
    order = await app.place(ADA)
    assert codes_of(await app.gql(CANCEL, {"id": order["id"]}, user=BOB)) == ["NOT_FOUND"]
    assert (await app.order(order["id"]))["status"] == "PENDING"


@pytest.mark.parametrize("who", [ADA, None], ids=["customer", "anonymous"])
async def test_only_an_admin_ships(app: Harness, who: object) -> None:
    order = await app.reach("PAID")
    result = await app.gql(SHIP, {"id": order["id"]}, user=who)  # type: ignore[arg-type]
    assert codes_of(result) == ["FORBIDDEN" if who else "UNAUTHENTICATED"]
    assert (await app.order(order["id"]))["status"] == "PAID"


async def test_a_users_orders_are_theirs_and_the_admins_only(app: Harness) -> None:
    await app.place(ADA)
    reps = {"r": [{"__typename": "User", "id": ADA.id}]}
    assert codes_of(await app.gql(ORDERS, reps, user=BOB)) == ["FORBIDDEN"]
    assert codes_of(await app.gql(ORDERS, reps)) == ["UNAUTHENTICATED"]
    for reader in (ADA, ADMIN):
        result = await app.ok(ORDERS, reps, user=reader)
        assert result == [{"orders": {"totalCount": 1}}]
