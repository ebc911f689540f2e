"""Only admins may change the catalog; everybody else is refused and nothing changes."""

from __future__ import annotations

import pytest

from tests.subgraphs.products.harness import ADMIN, PRODUCT_FIELDS, Harness

CREATE = """mutation { createProduct(input: {sku: "NEW-1", name: "New", description: "d",
  price: {amount: 100, currency: "USD"}, stock: 1}) { id } }"""
UPDATE = """mutation($id: ID!) {
  updateProduct(id: $id, input: {price: {amount: 1, currency: "USD"}}) { id } }"""
ADJUST = "mutation($id: ID!) { adjustStock(productId: $id, delta: -1) { id } }"
READ = f"query($id: ID!) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}"


@pytest.mark.parametrize("mutation", [CREATE, UPDATE, ADJUST], ids=["create", "update", "adjust"])
@pytest.mark.parametrize(
    ("caller", "code"), [(None, "UNAUTHENTICATED"), ("customer", "FORBIDDEN")],
    ids=["anonymous", "customer"],
)
async def test_non_admins_cannot_call_admin_mutations(
    app: Harness, mutation: str, caller: str | None, code: str
) -> None:
    # given a product
    product = await app.create()
    # when a non-admin calls an admin mutation
    result = await app.gql(mutation, {"id": product["id"]}, as_=caller)
    # then it is refused with the right code and the catalog is unchanged
    assert result["errors"][0]["extensions"]["code"] == code
    after = await app.gql(READ, {"id": product["id"]})
    assert after["data"]["product"] == product
    listing = await app.gql("{ products { totalCount } }")
    assert listing["data"]["products"]["totalCount"] == 1


async def test_a_tampered_token_is_unauthenticated(app: Harness) -> None:
    # given an admin token with a flipped signature character
    token = app.token(ADMIN)
    bad = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    # when it is used for an admin mutation
    response = await app.client.post(
        "/graphql", json={"query": CREATE}, headers={"authorization": f"Bearer {bad}"}
    )
    # then the caller is unauthenticated
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_admin_creates_updates_and_adjusts_a_product(app: Harness) -> None:
    # given a product created by an admin
    product = await app.create(sku="ADM-1", stock=3)
    # when the admin renames it, clears its category and adds stock
    update = await app.gql(
        f"""mutation($id: ID!) {{ updateProduct(id: $id, input: {{name: "Renamed",
        category: null}}) {{ {PRODUCT_FIELDS} }} }}""", {"id": product["id"]}, as_="admin",
    )
    adjust = await app.gql(
        "mutation($id: ID!) { adjustStock(productId: $id, delta: 4) { stock } }",
        {"id": product["id"]}, as_="admin",
    )
    # then the changes are applied and the rest is kept
    updated = update["data"]["updateProduct"]
    assert (updated["name"], updated["category"], updated["sku"]) == ("Renamed", None, "ADM-1")
    assert adjust["data"]["adjustStock"]["stock"] == 7
