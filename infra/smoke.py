"""``python -m infra.smoke --url https://shop.example/graphql``: register, cart, checkout, PAID.

The deployment pipeline runs it against staging and production after each deploy; tests/e2e runs
it against the dev platform so it is known to work. It places one real order with the sandbox's
``pm_card_visa`` (pass ``--payment-method`` for a provider in test mode). Exit 0 when the order
is PAID within ``--timeout`` seconds, 1 otherwise, with the step that failed.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from typing import Any

import httpx

__all__ = ["SmokeFailed", "run_smoke"]


class SmokeFailed(RuntimeError):
    """A step of the journey failed; the message names it."""


class _Gateway:
    def __init__(self, url: str, timeout: float) -> None:
        self.url, self.token = url, ""
        self.http = httpx.Client(timeout=timeout)

    def data(self, step: str, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self.http.post(self.url, json={"query": query, "variables": variables},
                                      headers=headers)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SmokeFailed(f"{step}: {exc}") from exc
        if body.get("errors") or not body.get("data"):
            raise SmokeFailed(f"{step}: HTTP {response.status_code} {body.get('errors')}")
        return body["data"]


def _product_in_stock(gateway: _Gateway) -> str:
    found = gateway.data("catalogue", "{ products(first: 50) { edges { node { id stock } } } }")
    for edge in found["products"]["edges"]:
        if edge["node"]["stock"] > 0:
            return edge["node"]["id"]
    raise SmokeFailed("catalogue: no product in stock among the first 50")


def run_smoke(url: str, *, payment_method: str = "pm_card_visa", timeout: float = 60.0,
              product: str = "", say=print) -> str:
    """Walk the journey; the PAID order's id."""
    gateway = _Gateway(url, timeout=min(timeout, 30.0))
    email = f"smoke-{uuid.uuid4().hex[:12]}@example.com"
    draft = {"email": email, "password": f"Smoke-{uuid.uuid4().hex}", "fullName": "Smoke Test"}
    gateway.token = gateway.data(
        "register", "mutation($i: RegisterInput!) { register(input: $i) { token } }", i=draft
    )["register"]["token"]
    say(f"registered {email}")
    product = product or _product_in_stock(gateway)
    gateway.data("add to cart",
                 "mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { id } }", p=product)
    order = gateway.data("checkout", "mutation($m: String!) { checkout(paymentMethod: $m) { id } }",
                         m=payment_method)["checkout"]["id"]
    say(f"checked out order {order}")
    return _wait_paid(gateway, order, timeout, say)


def _wait_paid(gateway: _Gateway, order: str, timeout: float, say) -> str:
    deadline, status = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        status = gateway.data("order status", "query($id: ID!) { order(id: $id) { status } }",
                              id=order)["order"]["status"]
        if status == "PAID":
            say(f"order {order} PAID")
            return order
        if status in ("PAYMENT_FAILED", "CANCELLED"):
            break
        time.sleep(0.5)
    raise SmokeFailed(f"order {order} is {status}, not PAID, after the checkout")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.smoke")
    parser.add_argument("--url", required=True, help="the gateway's GraphQL endpoint")
    parser.add_argument("--payment-method", default="pm_card_visa")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--product-id", default="", help="default: the first product in stock")
    args = parser.parse_args(argv)
    try:
        run_smoke(args.url, payment_method=args.payment_method, timeout=args.timeout,
                  product=args.product_id)
    except SmokeFailed as exc:
        print(f"smoke test FAILED at {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
