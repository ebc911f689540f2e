"""Totals come from products' current prices on every read, in one batched lookup."""

from __future__ import annotations

import orjson

from tests.subgraphs.cart.harness import ADA, Harness


async def test_a_price_change_shows_in_the_cart_on_the_next_read(app: Harness) -> None:
    # given a cart priced at 10.00
    app.stock("p1", 1000, stock=10)
    await app.added("p1", 2, user=ADA)
    # when products changes the price
    app.stock("p1", 1500, stock=10)
    cart = await app.my_cart(user=ADA)
    # then the line and the total follow, without any change to the cart itself
    assert cart["items"][0]["unitPrice"] == {"amount": 1500, "currency": "USD"}
    assert cart["total"] == {"amount": 3000, "currency": "USD"}
    assert cart["version"] == 1


async def test_one_read_asks_products_once_for_every_line(app: Harness) -> None:
    for n in range(5):
        app.stock(f"p{n}", 100 * (n + 1), stock=10)
        await app.added(f"p{n}", 1, user=ADA)
    app.products.requests.clear()
    cart = await app.my_cart(user=ADA)
    assert cart["total"]["amount"] == 1500
    assert len(app.products.requests) == 1
    sent = orjson.loads(app.products.requests[0].content)["variables"]["r"]
    assert [r["id"] for r in sent] == [f"p{n}" for n in range(5)]


async def test_an_empty_cart_asks_products_nothing(app: Harness) -> None:
    assert (await app.my_cart(user=ADA))["total"] == {"amount": 0, "currency": "USD"}
    assert app.products.requests == []


async def test_a_product_that_no_longer_exists_drops_out_of_the_items_and_total(
    app: Harness,
) -> None:
    app.stock("kept", 100, stock=10)
    app.stock("gone", 900, stock=10)
    await app.added("kept", 1, user=ADA)
    await app.added("gone", 1, user=ADA)
    del app.products.catalog["gone"]
    cart = await app.my_cart(user=ADA)
    assert [i["product"]["id"] for i in cart["items"]] == ["kept"]
    assert cart["total"]["amount"] == 100


async def test_the_callers_authorization_is_forwarded_to_products(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    await app.added("p1", 1, user=ADA)
    assert app.products.requests[-1].headers["authorization"].startswith("Bearer ")


async def test_a_cart_whose_prices_ended_up_in_two_currencies_has_no_total(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    app.stock("p2", 100, stock=10)
    await app.added("p1", 1, user=ADA)
    await app.added("p2", 1, user=ADA)
    app.stock("p2", 90, stock=10, currency="EUR")
    result = await app.gql("{ cart { total { amount } } }", user=ADA)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["CONFLICT"]


async def test_items_carry_the_products_current_name_from_the_same_lookup(app: Harness) -> None:
    # given a cart line whose product products renames afterwards
    app.stock("p1", 1000, stock=10, name="Desk lamp")
    await app.added("p1", 1, user=ADA)
    app.stock("p1", 1000, stock=10, name="Brass desk lamp")
    app.products.requests.clear()
    result = await app.gql("{ cart { items { product { id name } } } }", user=ADA)
    # then the new name shows, read with the price in the one lookup the cart makes anyway
    assert result["data"]["cart"]["items"] == [{"product": {"id": "p1", "name": "Brass desk lamp"}}]
    assert len(app.products.requests) == 1


async def test_the_schema_provides_the_product_name_so_a_gateway_asks_products_nothing(
    app: Harness,
) -> None:
    result = await app.gql("{ _service { sdl } }")
    sdl = result["data"]["_service"]["sdl"]
    assert 'product: Product! @provides(fields: "name")' in sdl
    assert "name: String! @external" in sdl
