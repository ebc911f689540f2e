"""Who may read a cart: ``User.cart`` through ``_entities`` is the user's own, or an admin's."""

from __future__ import annotations

from tests.subgraphs.cart.harness import ADA, ADMIN, BOB, Harness, errors_of

USER_CART = """query($r: [_Any!]!) {
  _entities(representations: $r) { ... on User { id cart { id total { amount } } } }
}"""


async def read_user_cart(app: Harness, user_id: str, **who):  # type: ignore[no-untyped-def]
    return await app.gql(USER_CART, {"r": [{"__typename": "User", "id": user_id}]}, **who)


async def test_a_user_reads_their_own_cart_through_the_user_entity(app: Harness) -> None:
    app.stock("p1", 250, stock=10)
    await app.added("p1", 2, user=ADA)
    result = await read_user_cart(app, ADA.id, user=ADA)
    assert result["data"]["_entities"][0]["cart"]["total"] == {"amount": 500}


async def test_another_user_cannot_read_my_cart(app: Harness) -> None:
    app.stock("p1", 250, stock=10)
    await app.added("p1", 2, user=ADA)
    result = await read_user_cart(app, ADA.id, user=BOB)
    assert errors_of(result) == [("FORBIDDEN", None)]
    assert result["data"]["_entities"] == [None]


async def test_an_admin_may_read_any_cart(app: Harness) -> None:
    app.stock("p1", 250, stock=10)
    await app.added("p1", 1, user=ADA)
    result = await read_user_cart(app, ADA.id, user=ADMIN)
    assert result["data"]["_entities"][0]["cart"]["total"] == {"amount": 250}


async def test_an_anonymous_caller_must_sign_in_to_read_a_user_cart(app: Harness) -> None:
    result = await read_user_cart(app, ADA.id)
    assert errors_of(result) == [("UNAUTHENTICATED", None)]


async def test_a_user_cart_id_cannot_be_used_as_a_guest_cart_id(app: Harness) -> None:
    # given Ada's cart, whose public id a guest might learn
    app.stock("p1", 250, stock=10)
    cart = await app.added("p1", 1, user=ADA)
    # when a guest presents it as X-Cart-Id, or after sign-in tries to merge it
    as_guest = await app.gql("{ cart { id } }", cart_id=cart["id"])
    merged = await app.gql(
        "mutation($c: ID!) { mergeGuestCart(cartId: $c) { version } }", {"c": cart["id"]},
        user=BOB,
    )
    # then both are refused and Ada's cart is untouched
    assert errors_of(as_guest) == [("BAD_USER_INPUT", "X-Cart-Id")]
    assert errors_of(merged) == [("BAD_USER_INPUT", "cartId")]
    assert (await app.my_cart(user=ADA))["version"] == 1


async def test_a_forged_token_is_unauthenticated_not_a_guest(app: Harness) -> None:
    response = await app.client.post(
        "/graphql", json={"query": "{ cart { id } }"}, headers={"authorization": "Bearer nope"}
    )
    assert errors_of(response.json()) == [("UNAUTHENTICATED", None)]
