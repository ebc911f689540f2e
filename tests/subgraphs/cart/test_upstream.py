"""When products is down, cart requests fail clearly and the stored cart is untouched."""

from __future__ import annotations

from tests.subgraphs.cart.harness import ADA, Harness, errors_of


async def test_products_down_is_upstream_unavailable_and_nothing_is_lost(app: Harness) -> None:
    # given a cart with two units
    app.stock("p1", 100, stock=10)
    await app.added("p1", 2, user=ADA)
    # when products goes down, reads and changes fail with a clear code
    app.products.down = True
    read = await app.gql("{ cart { total { amount } } }", user=ADA)
    change = await app.add("p1", 1, user=ADA)
    assert errors_of(read) == [("UPSTREAM_UNAVAILABLE", None)]
    assert errors_of(change) == [("UPSTREAM_UNAVAILABLE", None)]
    assert read["data"] == {"cart": None} and change["data"] is None
    # then, once it is back, the cart is exactly as it was
    app.products.down = False
    cart = await app.my_cart(user=ADA)
    assert ([i["quantity"] for i in cart["items"]], cart["version"]) == ([2], 1)


async def test_clearing_needs_no_prices_so_works_while_products_is_down(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    await app.added("p1", 2, user=ADA)
    app.products.down = True
    result = await app.gql("mutation { clearCart { items { quantity } version } }", user=ADA)
    assert result["data"]["clearCart"] == {"items": [], "version": 2}


async def test_an_upstream_error_message_leaks_no_internals(app: Harness) -> None:
    app.stock("p1", 100, stock=10)
    app.products.down = True
    message = (await app.add("p1", 1, user=ADA))["errors"][0]["message"]
    assert "127.0.0.1" not in message and "Traceback" not in message
