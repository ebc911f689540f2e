"""Degradation the design names, on a platform of this module's own: the catalogue is served
stale through the gateway while products is down, and a checkout while payments is down stays
PENDING and is paid once payments is back (its events wait in Kafka), and an order's payment
is joined again within seconds of payments restarting."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ADMIN, Client
from tests.e2e.platform import Platform
from tests.e2e.saga import checkout, new_customer, new_product, stock_of, wait_for_status

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(300)]

CATALOGUE = '{ products(first: 50, category: "e2e") { edges { node { id name } } } }'


@pytest.fixture(scope="module")
def degraded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    # a long breaker reset time: a subgraph that is back is used again within seconds only
    # through the gateway's background probe (traffic.*.breaker_probe_*)
    slow_reset = {"GATEWAY_TRAFFIC__ALL__BREAKER_RESET_SECONDS": "30"}
    running = Platform(logs=tmp_path_factory.mktemp("degradation-logs"),
                       extra_env=slow_reset).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def shop(degraded: Platform) -> tuple[Client, Client]:
    anonymous = Client(degraded.gateway_url)
    return anonymous, anonymous.login(*ADMIN)


def post(platform: Platform, query: str, token: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.post(platform.gateway_url, json={"query": query}, headers=headers, timeout=30)


def poll(check: Callable[[], Any], within: float, what: str) -> Any:
    """``check()``'s first truthy result, polled until ``within`` seconds have passed."""
    deadline, last = time.monotonic() + within, None
    while time.monotonic() < deadline:
        if last := check():
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} not seen within {within}s")


def test_the_catalogue_is_served_stale_while_products_is_down(
    degraded: Platform, shop: tuple[Client, Client]
) -> None:
    _, admin = shop
    new_product(admin, stock=5)
    # given the catalogue answered once by products
    fresh = post(degraded, CATALOGUE)
    assert "x-served-stale" not in fresh.headers and "extensions" not in fresh.json()
    catalogue = fresh.json()["data"]
    assert catalogue["products"]["edges"]
    # when products goes down
    degraded.down("products")
    try:
        stale = post(degraded, CATALOGUE)
        signed_in = post(degraded, CATALOGUE, admin.token)
    finally:
        degraded.up("products")
    # then anyone gets the same catalogue, marked stale; a signed-in caller gets the failure
    assert stale.json()["data"] == catalogue
    assert stale.headers["x-served-stale"] == "products"
    assert [e["subgraph"] for e in stale.json()["extensions"]["stale"]] == ["products"]
    assert signed_in.json()["data"] is None and "x-served-stale" not in signed_in.headers
    # and once products is back (its breaker probed), answers are fresh again
    poll(lambda: "x-served-stale" not in post(degraded, CATALOGUE).headers, 60, "a fresh answer")


def test_a_checkout_while_payments_is_down_stays_pending_then_is_paid(
    degraded: Platform, shop: tuple[Client, Client]
) -> None:
    anonymous, admin = shop
    product = new_product(admin, stock=4)
    customer = new_customer(anonymous)
    # given payments is down
    degraded.down("payments")
    try:
        # when a customer checks out
        order = checkout(customer, product, 1, "pm_card_visa")
        # then the saga goes as far as it can (stock reserved) and the order stays PENDING
        poll(lambda: stock_of(anonymous, product) == 3, 60, "the stock reservation")
        status = customer.data("query($id: ID!) { order(id: $id) { status } }", id=order["id"])
        assert order["status"] == status["order"]["status"] == "PENDING"
    finally:
        degraded.up("payments")
    # and once payments is back it consumes the waiting event and the order is paid, once
    paid = wait_for_status(customer, order["id"], {"PAID", "PAYMENT_FAILED", "CANCELLED"},
                           within=90)
    assert paid["status"] == "PAID" and paid["payment"]["status"] == "SUCCEEDED"
    assert stock_of(anonymous, product) == 3


def test_an_orders_payment_is_joined_again_within_seconds_of_payments_restarting(
    degraded: Platform, shop: tuple[Client, Client]
) -> None:
    anonymous, admin = shop
    customer = new_customer(anonymous)
    order = checkout(customer, new_product(admin, stock=2), 1, "pm_card_visa")
    wait_for_status(customer, order["id"], {"PAID"}, within=90)
    query = f'{{ order(id: "{order["id"]}") {{ status payment {{ status }} }} }}'

    def payment() -> Any:
        return (post(degraded, query, customer.token).json().get("data") or {}).get("order", {}) \
            .get("payment")

    # given payments went down and the order's follower saw its payment fail to join
    degraded.down("payments")
    try:
        for _ in range(4):  # enough failed joins to open the gateway's breaker
            assert payment() is None
    finally:
        # when payments is back (healthy)
        degraded.up("payments")
    back = time.monotonic()
    # then the payment joins again within the gateway's probe cap (2 s) plus slack
    assert poll(payment, 4, "the payment joined again")["status"] == "SUCCEEDED"
    assert time.monotonic() - back < 4
