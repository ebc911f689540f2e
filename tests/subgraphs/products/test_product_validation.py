"""Bad product input gets a clear BAD_USER_INPUT and changes nothing; SKUs stay unique."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from subgraphs.products.domain.errors import DuplicateSku
from subgraphs.products.domain.records import ProductDraft
from tests.subgraphs.products.harness import Harness

CREATE = "mutation($p: ProductInput!) { createProduct(input: $p) { id } }"
UPDATE = "mutation($id: ID!, $p: ProductUpdateInput!) { updateProduct(id: $id, input: $p) { id } }"
VALID: dict[str, Any] = {"sku": "OK-1", "name": "Lamp", "description": "A desk lamp",
                         "price": {"amount": 2500, "currency": "EUR"}, "stock": 3}


@pytest.mark.parametrize(
    "change",
    [
        {"price": {"amount": -1, "currency": "USD"}},
        {"price": {"amount": 100, "currency": "usd"}},
        {"price": {"amount": 100, "currency": "US"}},
        {"stock": -1},
        {"name": "   "},
        {"name": "x" * 201},
        {"sku": ""},
        {"sku": "has space"},
        {"category": "c" * 65},
        {"name": "nul\x00name"},
        {"description": "nul\x00"},
    ],
    ids=["negative-price", "lower-currency", "short-currency", "negative-stock", "blank-name",
         "long-name", "empty-sku", "bad-sku", "long-category", "nul-name", "nul-description"],
)
async def test_invalid_products_are_refused_and_nothing_is_created(
    app: Harness, change: dict[str, Any]
) -> None:
    # when an admin creates a product that breaks one rule
    result = await app.gql(CREATE, {"p": {**VALID, **change}}, as_="admin")
    # then the error is BAD_USER_INPUT and no product exists
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    listing = await app.gql("{ products { totalCount } }")
    assert listing["data"]["products"]["totalCount"] == 0


async def test_a_duplicate_sku_is_bad_user_input(app: Harness) -> None:
    # given a product with SKU OK-1
    await app.create(sku="OK-1")
    # when another product is created with the same SKU
    result = await app.gql(CREATE, {"p": VALID}, as_="admin")
    # then it is refused, naming the field
    error = result["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "sku"}


async def test_concurrent_creates_of_one_sku_admit_exactly_one(app: Harness) -> None:
    # given ten transactions racing to create the same SKU
    draft = ProductDraft("RACE-1", "Racer", "", 100, "USD", None, 1)

    async def create() -> str:
        try:
            async with app.services.database.transaction() as session:
                await app.services.products.create(session, draft)
            return "created"
        except DuplicateSku:
            return "duplicate"

    # when they run at once
    outcomes = await asyncio.gather(*(create() for _ in range(10)))
    # then the unique constraint lets exactly one through
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 9


async def test_renaming_to_a_taken_sku_is_refused(app: Harness) -> None:
    # given two products
    await app.create(sku="A-1")
    other = await app.create(sku="B-1")
    # when the second takes the first one's SKU
    result = await app.gql(UPDATE, {"id": other["id"], "p": {"sku": "A-1"}}, as_="admin")
    # then it is refused
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("field", ["name", "sku", "description", "price"])
async def test_null_for_a_required_field_is_refused(app: Harness, field: str) -> None:
    # given a product
    product = await app.create()
    # when an update sets a non-null field to null
    result = await app.gql(UPDATE, {"id": product["id"], "p": {field: None}}, as_="admin")
    # then it is refused
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_updating_an_unknown_product_is_not_found(app: Harness) -> None:
    result = await app.gql(UPDATE, {"id": "nope", "p": {"name": "X"}}, as_="admin")
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_id_with_a_nul_character_is_refused_as_bad_input(app: Harness) -> None:
    # PostgreSQL cannot store NUL; the kit refuses it before any resolver runs (nul_guard.py)
    read = await app.gql("query($id: ID!) { product(id: $id) { id } }", {"id": "bad\x00id"})
    assert read["data"] is None
    assert read["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("product_id", ["x" * 1000], ids=["long"])
async def test_unstorable_ids_are_unknown_products(app: Harness, product_id: str) -> None:
    # when ids that cannot exist are read, updated or adjusted
    read = await app.gql("query($id: ID!) { product(id: $id) { id } }", {"id": product_id})
    update = await app.gql(UPDATE, {"id": product_id, "p": {"name": "X"}}, as_="admin")
    adjust = await app.gql("mutation($id: ID!) { adjustStock(productId: $id, delta: 1) { id } }",
                           {"id": product_id}, as_="admin")
    # then they are simply not found, on every dialect
    assert read == {"data": {"product": None}}
    assert update["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert adjust["errors"][0]["extensions"]["code"] == "NOT_FOUND"
