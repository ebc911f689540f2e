"""Helpers for checkout journeys through the gateway: customers, products, waiting for status."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.e2e.conftest import Client

__all__ = ["checkout", "new_customer", "new_product", "stock_of", "wait_for_status"]

TERMINAL = {"PAID", "PAYMENT_FAILED", "CANCELLED", "SHIPPED", "DELIVERED"}


def new_customer(anonymous: Client, *, phone: str | None = None) -> Client:
    email = f"buyer-{uuid.uuid4().hex[:10]}@example.com"
    draft = {"email": email, "password": "buyer-pass-1", "fullName": "Buyer", "phone": phone}
    anonymous.data(
        "mutation($i: RegisterInput!) { register(input: $i) { token } }", i=draft
    )
    return anonymous.login(email, "buyer-pass-1")


def new_product(admin: Client, *, stock: int, amount: int = 2500) -> str:
    sku = f"E2E-{uuid.uuid4().hex[:10].upper()}"
    product = {
        "sku": sku, "name": f"Saga item {sku}", "description": "made by the e2e suite",
        "price": {"amount": amount, "currency": "USD"}, "category": "e2e", "stock": stock,
    }
    created = admin.data(
        "mutation($p: ProductInput!) { createProduct(input: $p) { id } }", p=product
    )
    return created["createProduct"]["id"]


def stock_of(client: Client, product_id: str) -> int:
    return client.data("query($id: ID!) { product(id: $id) { stock } }", id=product_id)[
        "product"
    ]["stock"]


def checkout(customer: Client, product_id: str, quantity: int, method: str) -> dict[str, Any]:
    customer.data(
        "mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { id } }",
        p=product_id, q=quantity,
    )
    return customer.data(
        "mutation($m: String!) { checkout(paymentMethod: $m) { id status total { amount } } }",
        m=method,
    )["checkout"]


def wait_for_status(
    client: Client, order_id: str, wanted: set[str], *, within: float = 45.0
) -> dict[str, Any]:
    """Poll the order until its status is one of ``wanted``; fail with the last one seen."""
    query = """query($id: ID!) { order(id: $id) { id status trackingNumber
        cancellationReason payment { status failureReason transactionId } } }"""
    deadline, order = time.monotonic() + within, None
    while time.monotonic() < deadline:
        order = client.data(query, id=order_id)["order"]
        if order["status"] in wanted:
            return order
        time.sleep(0.25)
    raise AssertionError(f"order {order_id} never reached {wanted}: last seen {order}")
