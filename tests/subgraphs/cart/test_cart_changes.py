"""Adding, updating, removing and clearing lines; each change bumps the version once."""

from __future__ import annotations

from tests.subgraphs.cart.harness import ADA, CART_FIELDS, Harness, errors_of

UPDATE = (
    "mutation($p: ID!, $q: Int!) "
    f"{{ updateCartItem(productId: $p, quantity: $q) {{ {CART_FIELDS} }} }}"
)
REMOVE = f"mutation($p: ID!) {{ removeFromCart(productId: $p) {{ {CART_FIELDS} }} }}"
CLEAR = f"mutation {{ clearCart {{ {CART_FIELDS} }} }}"


def lines(cart: dict) -> list[tuple[str, int]]:
    return [(item["product"]["id"], item["quantity"]) for item in cart["items"]]


async def test_adding_a_product_twice_adds_up_its_quantity_and_prices_lines(app: Harness) -> None:
    app.stock("p1", 1250, stock=10)
    app.stock("p2", 500, stock=10)
    await app.added("p1", 2, user=ADA)
    await app.added("p2", 1, user=ADA)
    cart = await app.added("p1", 1, user=ADA)
    assert lines(cart) == [("p1", 3), ("p2", 1)]
    assert cart["items"][0]["lineTotal"] == {"amount": 3750, "currency": "USD"}
    assert cart["total"] == {"amount": 4250, "currency": "USD"}
    assert cart["version"] == 3
    assert cart["id"] == "user:user-ada"


async def test_update_sets_the_quantity_of_a_line(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    await app.added("p1", 2, user=ADA)
    result = await app.gql(UPDATE, {"p": "p1", "q": 7}, user=ADA)
    cart = result["data"]["updateCartItem"]
    assert (lines(cart), cart["total"]["amount"], cart["version"]) == ([("p1", 7)], 700, 2)


async def test_updating_a_product_not_in_the_cart_is_refused(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    result = await app.gql(UPDATE, {"p": "p1", "q": 1}, user=ADA)
    assert errors_of(result) == [("BAD_USER_INPUT", "quantity")]


async def test_remove_drops_the_line_and_removing_again_changes_nothing(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    app.stock("p2", 300, stock=10)
    await app.added("p1", 1, user=ADA)
    await app.added("p2", 2, user=ADA)
    first = (await app.gql(REMOVE, {"p": "p1"}, user=ADA))["data"]["removeFromCart"]
    again = (await app.gql(REMOVE, {"p": "p1"}, user=ADA))["data"]["removeFromCart"]
    assert (lines(first), first["total"]["amount"], first["version"]) == ([("p2", 2)], 600, 3)
    assert again == first


async def test_clear_empties_the_cart_with_a_zero_total(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    await app.added("p1", 4, user=ADA)
    cart = (await app.gql(CLEAR, user=ADA))["data"]["clearCart"]
    assert (cart["items"], cart["total"], cart["version"]) == (
        [], {"amount": 0, "currency": "USD"}, 2
    )
    assert await app.my_cart(user=ADA) == cart


async def test_a_quantity_above_the_stock_left_is_refused_saying_how_many_are_left(
    app: Harness,
) -> None:
    app.stock("p1", 100, stock=3)
    await app.added("p1", 2, user=ADA)
    result = await app.add("p1", 2, user=ADA)
    assert errors_of(result) == [("BAD_USER_INPUT", "quantity")]
    assert result["errors"][0]["message"] == "Only 3 left"
    assert lines(await app.my_cart(user=ADA)) == [("p1", 2)]


async def test_quantities_outside_1_to_99_are_refused(app: Harness) -> None:
    app.stock("p1", 100, stock=500)
    for quantity in (0, -1, 100):
        result = await app.add("p1", quantity, user=ADA)
        assert errors_of(result) == [("BAD_USER_INPUT", "quantity")], quantity
    await app.added("p1", 99, user=ADA)
    assert errors_of(await app.add("p1", 1, user=ADA)) == [("BAD_USER_INPUT", "quantity")]


async def test_an_out_of_stock_product_cannot_be_added(app: Harness) -> None:
    app.stock("p1", 100, stock=0)
    result = await app.add("p1", 1, user=ADA)
    assert result["errors"][0]["message"] == "Out of stock"


async def test_an_unknown_product_is_bad_user_input_and_changes_nothing(app: Harness) -> None:
    result = await app.add("no-such-product", 1, user=ADA)
    assert errors_of(result) == [("BAD_USER_INPUT", "productId")]
    assert (await app.my_cart(user=ADA))["version"] == 0


async def test_a_product_in_another_currency_is_refused(app: Harness) -> None:
    app.stock("usd", 100, stock=5)
    app.stock("eur", 100, stock=5, currency="EUR")
    await app.added("usd", 1, user=ADA)
    result = await app.add("eur", 1, user=ADA)
    assert errors_of(result) == [("BAD_USER_INPUT", "productId")]
