"""Checkout snapshots the cart at authoritative prices into one PENDING order and OrderCreated,
in one transaction, once per cart version."""

from __future__ import annotations

import pytest

from subgraphs.orders.domain import checkout as checkout_module
from subgraphs.orders.domain.models import Order
from tests.subgraphs.harness import counted_statements
from tests.subgraphs.orders.harness import (
    ADA,
    BOB,
    CHECKOUT,
    ORDER_FIELDS,
    Harness,
    codes_of,
    open_harness,
)


async def test_checkout_snapshots_authoritative_prices_and_names(app: Harness) -> None:
    # given a cart of two products
    app.price("p-1", "Mug", 1250)
    app.price("p-2", "Tea", 499)
    app.fill_cart(ADA, ("p-1", 2), ("p-2", 1), version=7)
    # when Ada checks out
    order = await app.checkout(ADA, "pm_card_visa")
    # then the order is PENDING at the prices products gave, with one history row
    assert order["status"] == "PENDING"
    assert order["user"] == {"id": ADA.id}
    assert order["total"] == {"amount": 2 * 1250 + 499, "currency": "USD"}
    assert [(i["product"]["id"], i["productName"], i["quantity"], i["unitPrice"]["amount"],
             i["lineTotal"]["amount"]) for i in order["items"]] == [
        ("p-1", "Mug", 2, 1250, 2500), ("p-2", "Tea", 1, 499, 499)]
    assert [(h["previousStatus"], h["status"]) for h in order["statusHistory"]] == [
        (None, "PENDING")]
    # and a later price change does not touch the order
    app.price("p-1", "Mug v2", 9999)
    again = await app.order(order["id"], ADA)
    assert again["total"]["amount"] == 2999
    assert again["items"][0]["productName"] == "Mug"


async def test_checkout_writes_order_created_with_the_cart_version_to_the_outbox(
    app: Harness,
) -> None:
    app.price("p-1", "Mug", 1250)
    app.fill_cart(ADA, ("p-1", 3), version=4)
    order = await app.checkout(ADA, "pm_card_chargeDeclined")
    [created] = await app.published()
    assert created.type == "OrderCreated"
    assert created.key == order["id"]
    payload = created.payload
    assert (payload.user_id, payload.cart_id, payload.cart_version) == (ADA.id, "user:user-ada", 4)
    assert payload.payment_method == "pm_card_chargeDeclined"
    assert payload.total.amount == 3750
    assert [(i.product_id, i.quantity, i.unit_price.amount) for i in payload.items] == [
        ("p-1", 3, 1250)]


async def test_when_the_event_cannot_be_written_no_order_is_written_either(
    app: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an outbox that fails (the order insert already ran in the same transaction)
    async def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(checkout_module.outbox, "order_created", broken)
    app.price("p-1", "Mug", 1250)
    app.fill_cart(ADA, ("p-1", 1))
    # when Ada checks out, then it fails and neither the order nor an event exists
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["INTERNAL_SERVER_ERROR"]
    assert await app.count(Order) == 0
    assert await app.published() == []


async def test_a_double_clicked_checkout_returns_the_same_order(app: Harness) -> None:
    first = await app.place(ADA)
    second = await app.checkout(ADA)
    assert second["id"] == first["id"]
    assert await app.count(Order) == 1
    assert len(await app.published("OrderCreated")) == 1


async def test_a_new_cart_version_is_a_new_order(app: Harness) -> None:
    first = await app.place(ADA, version=1)
    second = await app.place(ADA, version=2)
    assert second["id"] != first["id"]
    assert await app.count(Order) == 2


async def test_carts_of_different_users_never_share_an_order(app: Harness) -> None:
    ada = await app.place(ADA, version=1)
    bob = await app.place(BOB, version=1)
    assert ada["id"] != bob["id"]


async def test_an_empty_cart_cannot_be_checked_out(app: Harness) -> None:
    app.fill_cart(ADA)
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["message"] == "Your cart is empty"
    assert await app.count(Order) == 0


async def test_a_product_that_is_gone_is_bad_user_input_and_writes_nothing(app: Harness) -> None:
    app.price("p-1", "Mug", 1250)
    app.fill_cart(ADA, ("p-1", 1), ("p-gone", 1))
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["productId"] == "p-gone"
    assert await app.count(Order) == 0
    assert await app.published() == []


async def test_products_in_two_currencies_are_bad_user_input(app: Harness) -> None:
    app.price("p-1", "Mug", 1250, "USD")
    app.price("p-2", "Tea", 499, "EUR")
    app.fill_cart(ADA, ("p-1", 1), ("p-2", 1))
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("method", ["", "   ", "pm card", "x" * 256], ids=["empty", "blank",
                                                                         "space", "long"])
async def test_a_malformed_payment_method_is_bad_user_input(app: Harness, method: str) -> None:
    app.price("p-1", "Mug", 1250)
    app.fill_cart(ADA, ("p-1", 1))
    result = await app.gql(CHECKOUT, {"pm": method}, user=ADA)
    assert codes_of(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == "paymentMethod"


async def test_the_payment_method_defaults_to_pm_card_visa(app: Harness) -> None:
    app.price("p-1", "Mug", 1250)
    app.fill_cart(ADA, ("p-1", 1))
    order = await app.ok("mutation { checkout { id paymentMethod } }", user=ADA)
    assert order["paymentMethod"] == "pm_card_visa"


async def test_checkout_needs_a_signed_in_user(app: Harness) -> None:
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"})
    assert codes_of(result) == ["UNAUTHENTICATED"]
    assert app.cart.requests == []


async def test_the_callers_authorization_is_forwarded_to_cart_and_products(app: Harness) -> None:
    await app.place(ADA)
    [cart_auth] = app.cart.authorizations()
    [products_auth] = app.products.authorizations()
    assert cart_auth is not None and cart_auth.startswith("Bearer ")
    assert products_auth == cart_auth


@pytest.mark.parametrize("down", ["cart", "products"])
async def test_an_upstream_that_is_down_is_upstream_unavailable_and_writes_nothing(
    app: Harness, down: str
) -> None:
    app.price("p-1", "Mug", 1250)
    app.fill_cart(ADA, ("p-1", 1))
    getattr(app, down).down = True
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["UPSTREAM_UNAVAILABLE"]
    assert await app.count(Order) == 0


async def test_a_cart_version_seen_before_with_other_items_is_a_conflict_not_the_old_order(
    app: Harness,
) -> None:
    # given an order of cart version 1, and a cart that expired and counts from 1 again
    await app.place(ADA, version=1)
    app.price("p-2", "Tea", 499)
    app.fill_cart(ADA, ("p-2", 5), version=1)
    # when Ada checks out, then she is told to change the cart, not handed the old order
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["CONFLICT"]
    # and once the cart changes (a new version) checkout places the new order
    app.fill_cart(ADA, ("p-2", 5), version=2)
    assert (await app.checkout(ADA))["total"]["amount"] == 5 * 499
    assert await app.count(Order) == 2


async def test_a_total_beyond_a_graphql_int_is_bad_user_input(app: Harness) -> None:
    app.price("p-1", "Yacht", 2**31 - 1)
    app.fill_cart(ADA, ("p-1", 2))
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["BAD_USER_INPUT"]
    assert await app.count(Order) == 0


async def test_the_checkout_answer_is_the_order_as_stored(app: Harness) -> None:
    # given a cart of two products (the answer is built from what checkout wrote, not read)
    app.price("p-1", "Mug", 1250)
    app.price("p-2", "Tea", 499)
    app.fill_cart(ADA, ("p-2", 1), ("p-1", 2), version=3)
    whole = f"{ORDER_FIELDS} updatedAt"
    # when Ada checks out
    placed = await app.ok(f"mutation {{ checkout {{ {whole} }} }}", user=ADA)
    # then the answer is field for field the order read back
    stored = await app.ok(f"query($id: ID!) {{ order(id: $id) {{ {whole} }} }}",
                          {"id": placed["id"]}, user=ADA)
    assert placed == stored


async def test_a_repeated_checkout_answers_its_order_though_a_product_is_gone_since(
    app: Harness,
) -> None:
    # given an order of cart version 1, then the product is withdrawn
    first = await app.place(ADA, version=1)
    del app.products.state["p-1"]
    # when the same cart version is checked out again, then the same order answers
    again = await app.checkout(ADA)
    assert again == first
    assert await app.count(Order) == 1
    assert len(await app.published("OrderCreated")) == 1


async def test_a_reused_cart_version_is_a_conflict_though_its_new_product_is_gone(
    app: Harness,
) -> None:
    # given an order of cart version 1, and version 1 again with a product that is gone
    await app.place(ADA, version=1)
    app.fill_cart(ADA, ("p-gone", 1), version=1)
    # when Ada checks out, then the reuse is the conflict, not the product that is gone
    result = await app.gql(CHECKOUT, {"pm": "pm_card_visa"}, user=ADA)
    assert codes_of(result) == ["CONFLICT"]


@pytest.mark.integration
async def test_on_postgresql_the_order_its_lines_and_history_are_one_statement(
    postgres_url: str,
) -> None:
    async with open_harness(postgres_url) as app:
        # given a cart of three lines
        for product, amount in (("p-1", 1250), ("p-2", 499), ("p-3", 5)):
            app.price(product, product.upper(), amount)
        app.fill_cart(ADA, ("p-1", 2), ("p-2", 1), ("p-3", 7))
        # when Ada checks out, and checks out again
        with counted_statements(app.services.database.engine) as sent:
            order = await app.checkout(ADA)
        again = await app.checkout(ADA)
        # then one round trip wrote the order, its lines and its history (besides the outbox)
        writes = [s for s in sent if "outbox" not in s]
        assert len(writes) == 1, writes
        # and the order reads back whole, in line order; the repeat wrote nothing more
        stored = await app.order(order["id"])
        assert [(i["product"]["id"], i["quantity"]) for i in stored["items"]] == [
            ("p-1", 2), ("p-2", 1), ("p-3", 7)]
        assert [h["status"] for h in stored["statusHistory"]] == ["PENDING"]
        assert again == order == stored
        assert await app.count(Order) == 1
