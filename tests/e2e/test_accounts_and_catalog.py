"""Through the gateway, over HTTP: accounts and the catalogue on real PostgreSQL and Redis."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import Client

# Processes driven: a hung one fails with a stack trace; the first test also starts the platform.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(420)]

REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { token user { id email roles } } }
"""


def test_a_new_customer_registers_logs_in_and_reads_themself(anonymous: Client) -> None:
    email = f"e2e-{uuid.uuid4().hex[:8]}@Example.com"
    registered = anonymous.data(
        REGISTER, input={"email": email, "password": "e2e-pass-123", "fullName": "E2E"}
    )["register"]
    assert registered["user"]["email"] == email.lower()
    me = anonymous.login(email.lower(), "e2e-pass-123").data("{ me { id email roles } }")["me"]
    assert me == registered["user"] | {"roles": ["customer"]}


def test_bad_input_gets_a_clear_error_through_the_gateway(anonymous: Client) -> None:
    body = anonymous(REGISTER, input={"email": "nope", "password": "x", "fullName": "E2E"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_the_seeded_catalogue_pages_through_the_gateway(anonymous: Client) -> None:
    query = """query($after: String) { products(first: 25, after: $after, sort: NAME_ASC) {
        totalCount edges { node { id name price { amount currency } } }
        pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = anonymous.data(query, after=after)["products"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] >= 50


def test_an_admin_price_change_is_seen_at_once(admin: Client, anonymous: Client) -> None:
    product = anonymous.data("{ products(first: 1) { edges { node { id } } } }")
    product_id = product["products"]["edges"][0]["node"]["id"]
    read = "query($id: ID!) { product(id: $id) { price { amount } } }"
    anonymous.data(read, id=product_id)  # warm the cache
    update = """mutation($id: ID!, $p: ProductUpdateInput!) {
        updateProduct(id: $id, input: $p) { id } }"""
    admin.data(update, id=product_id, p={"price": {"amount": 4242, "currency": "USD"}})
    assert anonymous.data(read, id=product_id)["product"]["price"]["amount"] == 4242


def test_customers_cannot_call_admin_mutations(anonymous: Client) -> None:
    body = anonymous('mutation { adjustStock(productId: "x", delta: 1) { id } }')
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
