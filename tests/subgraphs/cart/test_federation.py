"""Federation v2 surface: the SDL names the User and Product stubs and a shareable Money."""

from __future__ import annotations

from tests.subgraphs.cart.harness import Harness


async def test_sdl_declares_the_user_and_product_stubs_and_shareable_money(app: Harness) -> None:
    sdl = (await app.gql("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.' in sdl
    assert 'type User @key(fields: "id")' in sdl
    assert 'type Product @key(fields: "id", resolvable: false)' in sdl
    assert "type Money @shareable" in sdl
    for field in (
        "cart: Cart!",
        "cart: Cart\n",
        "addToCart(productId: ID!, quantity: Int!): Cart!",
        "updateCartItem(productId: ID!, quantity: Int!): Cart!",
        "removeFromCart(productId: ID!): Cart!",
        "clearCart: Cart!",
        "mergeGuestCart(cartId: ID!): Cart!",
        "lineTotal: Money!",
        "version: Int!",
    ):
        assert field in sdl, field


async def test_money_has_the_same_shape_as_in_products(app: Harness) -> None:
    sdl = (await app.gql("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    money = sdl[sdl.index("type Money @shareable") :].split("}")[0]
    assert [line.strip() for line in money.splitlines()[1:] if line.strip()] == [
        "amount: Int!",
        "currency: String!",
    ]


async def test_cart_items_reference_products_by_id_for_the_gateway(app: Harness) -> None:
    app.stock("p1", 100, stock=5)
    cart = await app.added("p1", 1)
    result = await app.gql(
        "{ cart { items { product { __typename id } } } }", cart_id=cart["id"]
    )
    assert result["data"]["cart"]["items"] == [{"product": {"__typename": "Product", "id": "p1"}}]
