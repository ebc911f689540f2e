"""Guest carts: issued on the first anonymous add, named by X-Cart-Id, merged at login."""

from __future__ import annotations

from tests.subgraphs.cart.harness import ADA, CART_FIELDS, Harness, errors_of

MERGE = f"mutation($c: ID!) {{ mergeGuestCart(cartId: $c) {{ {CART_FIELDS} }} }}"


def lines(cart: dict) -> list[tuple[str, int]]:
    return [(item["product"]["id"], item["quantity"]) for item in cart["items"]]


async def test_a_first_anonymous_add_issues_a_cart_id_the_guest_keeps_using(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    first = await app.added("p1", 1)
    again = await app.added("p1", 2, cart_id=first["id"])
    assert len(first["id"]) >= 16 and again["id"] == first["id"]
    assert lines(await app.my_cart(cart_id=first["id"])) == [("p1", 3)]


async def test_two_guests_without_ids_get_different_carts(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    assert (await app.added("p1", 1))["id"] != (await app.added("p1", 1))["id"]


async def test_a_guest_without_a_cart_id_has_no_cart(app: Harness) -> None:
    assert await app.my_cart() is None


async def test_a_malformed_cart_id_is_bad_user_input(app: Harness) -> None:
    result = await app.gql("{ cart { id } }", cart_id="short")
    assert errors_of(result) == [("BAD_USER_INPUT", "X-Cart-Id")]


async def test_the_guest_cart_is_merged_into_the_users_cart_at_login(app: Harness) -> None:
    # given a guest cart and the user's own cart sharing one product
    app.stock("shared", 100, stock=50)
    app.stock("guest-only", 300, stock=50)
    app.stock("user-only", 700, stock=50)
    guest_id = (await app.added("shared", 2))["id"]
    await app.added("guest-only", 1, cart_id=guest_id)
    await app.added("shared", 3, user=ADA)
    await app.added("user-only", 1, user=ADA)
    # when the user signs in and the front end merges the guest cart
    result = await app.gql(MERGE, {"c": guest_id}, user=ADA)
    # then quantities are added, new lines appended, and the guest cart is gone
    cart = result["data"]["mergeGuestCart"]
    assert lines(cart) == [("shared", 5), ("user-only", 1), ("guest-only", 1)]
    assert cart["total"]["amount"] == 500 + 700 + 300
    guest = await app.my_cart(cart_id=guest_id)
    assert (guest["items"], guest["version"]) == ([], 0)


async def test_merging_caps_quantities_by_stock_and_99(app: Harness) -> None:
    app.stock("scarce", 100, stock=4)
    app.stock("plenty", 100, stock=1000)
    guest_id = (await app.added("scarce", 3))["id"]
    await app.added("plenty", 60, cart_id=guest_id)
    await app.added("scarce", 2, user=ADA)
    await app.added("plenty", 70, user=ADA)
    cart = (await app.gql(MERGE, {"c": guest_id}, user=ADA))["data"]["mergeGuestCart"]
    assert lines(cart) == [("scarce", 4), ("plenty", 99)]


async def test_merging_twice_adds_the_guest_cart_once(app: Harness) -> None:
    app.stock("p1", 100, stock=50)
    guest_id = (await app.added("p1", 2))["id"]
    first = (await app.gql(MERGE, {"c": guest_id}, user=ADA))["data"]["mergeGuestCart"]
    second = (await app.gql(MERGE, {"c": guest_id}, user=ADA))["data"]["mergeGuestCart"]
    assert lines(first) == lines(second) == [("p1", 2)]
    assert second["version"] == first["version"] == 1


async def test_merging_needs_a_signed_in_user(app: Harness) -> None:
    app.stock("p1", 100, stock=50)
    guest_id = (await app.added("p1", 2))["id"]
    result = await app.gql(MERGE, {"c": guest_id}, cart_id=guest_id)
    assert errors_of(result) == [("UNAUTHENTICATED", None)]


async def test_a_signed_in_caller_changes_their_own_cart_whatever_x_cart_id_says(
    app: Harness,
) -> None:
    app.stock("p1", 100, stock=50)
    guest_id = (await app.added("p1", 2))["id"]
    cart = await app.added("p1", 1, user=ADA, cart_id=guest_id)
    assert cart["id"] == f"user:{ADA.id}"
    assert lines(await app.my_cart(cart_id=guest_id)) == [("p1", 2)]
