"""The checkout saga end to end, through the gateway, on PostgreSQL, Redis and Kafka."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Client
from tests.e2e.saga import checkout, new_customer, new_product, stock_of, wait_for_status

# Processes driven: a hung one fails with a stack trace; the first test also starts the platform.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(420)]


def test_a_paid_checkout_commits_stock_and_empties_the_cart(
    anonymous: Client, admin: Client
) -> None:
    customer = new_customer(anonymous)
    product = new_product(admin, stock=5)
    order = checkout(customer, product, 2, "pm_card_visa")
    assert order["status"] == "PENDING" and order["total"]["amount"] == 5000
    paid = wait_for_status(customer, order["id"], {"PAID", "PAYMENT_FAILED", "CANCELLED"})
    assert paid["status"] == "PAID"
    assert paid["payment"]["status"] == "SUCCEEDED" and paid["payment"]["transactionId"]
    assert stock_of(anonymous, product) == 3
    _eventually(lambda: customer.data("{ cart { items { quantity } } }")["cart"]["items"] == [])


def test_a_declined_card_fails_the_order_and_releases_stock(
    anonymous: Client, admin: Client
) -> None:
    customer = new_customer(anonymous)
    product = new_product(admin, stock=4)
    order = checkout(customer, product, 3, "pm_card_chargeDeclined")
    failed = wait_for_status(customer, order["id"], {"PAID", "PAYMENT_FAILED", "CANCELLED"})
    assert failed["status"] == "PAYMENT_FAILED"
    assert failed["payment"]["status"] == "FAILED" and failed["payment"]["failureReason"]
    _eventually(lambda: stock_of(anonymous, product) == 4)


def test_cancelling_a_paid_order_refunds_it_and_restocks(
    anonymous: Client, admin: Client
) -> None:
    customer = new_customer(anonymous)
    product = new_product(admin, stock=3)
    order = checkout(customer, product, 1, "pm_card_visa")
    wait_for_status(customer, order["id"], {"PAID"})
    cancelled = customer.data(
        "mutation($id: ID!) { cancelOrder(id: $id) { status } }", id=order["id"]
    )["cancelOrder"]
    assert cancelled["status"] == "CANCELLED"
    _eventually(lambda: stock_of(anonymous, product) == 3)
    refunded = wait_for_status(customer, order["id"], {"CANCELLED"})
    _eventually(lambda: _payment_status(customer, order["id"]) == "REFUNDED")
    assert refunded["status"] == "CANCELLED"


def test_an_admin_ships_a_paid_order_with_its_tracking_number(
    anonymous: Client, admin: Client
) -> None:
    customer = new_customer(anonymous)
    product = new_product(admin, stock=2)
    order = checkout(customer, product, 1, "pm_card_visa")
    wait_for_status(customer, order["id"], {"PAID"})
    denied = customer(
        'mutation($id: ID!) { shipOrder(id: $id, trackingNumber: "T") { status } }', id=order["id"]
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    shipped = admin.data(
        'mutation($id: ID!) { shipOrder(id: $id, trackingNumber: "TRACK-1") '
        "{ status trackingNumber } }",
        id=order["id"],
    )["shipOrder"]
    assert shipped == {"status": "SHIPPED", "trackingNumber": "TRACK-1"}


def test_one_request_crosses_four_subgraphs(anonymous: Client, admin: Client) -> None:
    customer = new_customer(anonymous)
    product = new_product(admin, stock=2)
    order = checkout(customer, product, 1, "pm_card_visa")
    wait_for_status(customer, order["id"], {"PAID"})
    me = customer.data(
        "{ me { email orders(first: 5) { edges { node { id items { quantity product "
        "{ name } } payment { status } } } } } }"
    )["me"]
    node = me["orders"]["edges"][0]["node"]
    assert node["id"] == order["id"]
    assert node["items"][0]["product"]["name"].startswith("Saga item")
    assert node["payment"] == {"status": "SUCCEEDED"}


def test_fifty_concurrent_checkouts_of_ten_units_sell_exactly_ten(
    anonymous: Client, admin: Client
) -> None:
    product = new_product(admin, stock=10)
    customers = [new_customer(anonymous) for _ in range(50)]
    for customer in customers:
        customer.data(
            "mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { id } }", p=product
        )
    with ThreadPoolExecutor(max_workers=25) as pool:
        orders = list(pool.map(
            lambda c: c.data("mutation { checkout { id } }")["checkout"]["id"], customers
        ))
    final = [
        wait_for_status(c, o, {"PAID", "PAYMENT_FAILED", "CANCELLED"}, within=120)
        for c, o in zip(customers, orders, strict=True)
    ]
    statuses = [o["status"] for o in final]
    assert statuses.count("PAID") == 10
    assert statuses.count("CANCELLED") == 40
    assert all(o["cancellationReason"] for o in final if o["status"] == "CANCELLED")
    assert stock_of(anonymous, product) == 0


def _payment_status(customer: Client, order_id: str) -> str | None:
    order = customer.data("query($id: ID!) { order(id: $id) { payment { status } } }",
                          id=order_id)["order"]
    return (order["payment"] or {}).get("status")


def _eventually(check, *, within: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    assert check()
