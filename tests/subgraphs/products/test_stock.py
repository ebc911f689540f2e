"""Stock never goes below zero, however many adjustments race (real PostgreSQL included)."""

from __future__ import annotations

import asyncio

import pytest

from subgraphs.products.domain.errors import InsufficientStock
from tests.subgraphs.products.harness import Harness
from tests.subgraphs.products.saga import Saga

ADJUST = "mutation($id: ID!, $d: Int!) { adjustStock(productId: $id, delta: $d) { stock } }"
READ = "query($id: ID!) { product(id: $id) { stock } }"


async def test_concurrent_decrements_over_http_never_oversell(app: Harness) -> None:
    # given a product with 5 units
    product = await app.create(stock=5)
    # when 20 admins each take one unit at the same moment
    results = await asyncio.gather(
        *(app.gql(ADJUST, {"id": product["id"], "d": -1}, as_="admin") for _ in range(20))
    )
    # then exactly 5 succeed, the rest are told why, and stock ends at 0
    ok = [r for r in results if "errors" not in r]
    refused = [r["errors"][0] for r in results if "errors" in r]
    assert len(ok) == 5 and len(refused) == 15
    assert all(e["extensions"]["code"] == "BAD_USER_INPUT" for e in refused)
    assert all("insufficient stock" in e["message"] for e in refused)
    assert sorted(r["data"]["adjustStock"]["stock"] for r in ok) == [0, 1, 2, 3, 4]
    final = await app.gql(READ, {"id": product["id"]})
    assert final["data"]["product"]["stock"] == 0


async def test_concurrent_transactions_never_oversell(app: Harness) -> None:
    # given a product with 5 units and 20 separate transactions that each take one
    product = await app.create(stock=5)
    services = app.services

    async def take_one() -> bool:
        try:
            async with services.database.transaction() as session:
                await services.products.adjust_stock(session, product["id"], -1)
            return True
        except InsufficientStock:
            return False

    # when they run concurrently
    outcomes = await asyncio.gather(*(take_one() for _ in range(20)))
    # then exactly five commit
    assert outcomes.count(True) == 5
    async with services.database.sessions() as session:
        rows = await services.products.get_many(session, [product["id"]])
    assert rows[product["id"]].stock == 0


@pytest.mark.parametrize(
    ("delta", "message"),
    [(-4, "insufficient stock"), (-(2**31), "insufficient stock"),
     (2**31 - 1, "exceed the maximum")],
    ids=["below-zero", "int32-min", "past-int32-max"],
)
async def test_an_adjustment_out_of_range_changes_nothing(
    app: Harness, delta: int, message: str
) -> None:
    # given a product with 3 units
    product = await app.create(stock=3)
    # when an adjustment would leave 0..2^31-1
    result = await app.gql(ADJUST, {"id": product["id"], "d": delta}, as_="admin")
    # then it is refused and the stock is unchanged
    assert message in result["errors"][0]["message"]
    after = await app.gql(READ, {"id": product["id"]})
    assert after["data"]["product"]["stock"] == 3


async def test_adjusting_an_unknown_product_is_not_found(app: Harness) -> None:
    result = await app.gql(ADJUST, {"id": "missing", "d": 1}, as_="admin")
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_adjust_stock_publishes_inventory_updated(app: Harness) -> None:
    # given a product with 10 units
    saga = Saga.over(app)
    product = await saga.product(stock=10)
    # when an admin removes 3
    mutation = "mutation($id: ID!) { adjustStock(productId: $id, delta: -3) { stock } }"
    await app.gql(mutation, {"id": product}, as_="admin")
    # then the change waits in the outbox
    [updated] = await saga.events("InventoryUpdated")
    assert (updated.payload.product_id, updated.payload.stock) == (product, 7)
    assert (updated.payload.delta, updated.payload.reason) == (-3, "adjusted")
