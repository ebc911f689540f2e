"""Keyset pagination: every product exactly once in every order, opaque and checked cursors."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from subgraphs.products.seed import CATALOGUE
from tests.subgraphs.products.harness import Harness

PAGE = """query($first: Int, $after: String, $sort: ProductSort) {
  products(first: $first, after: $after, sort: $sort) {
    totalCount edges { cursor node { id name price { amount } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
SORTS = ["PRICE_ASC", "PRICE_DESC", "NAME_ASC", "NAME_DESC", "NEWEST"]


async def walk(app: Harness, sort: str, first: int = 7, mid_walk: Any = None) -> list[dict]:
    """Follow endCursor to the end; ``mid_walk`` runs once after the second page."""
    nodes: list[dict] = []
    after, pages = None, 0
    while True:
        result = await app.gql(PAGE, {"first": first, "after": after, "sort": sort})
        connection = result["data"]["products"]
        nodes += [edge["node"] for edge in connection["edges"]]
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        pages += 1
        if pages == 2 and mid_walk is not None:
            await mid_walk()
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


@pytest.mark.parametrize("sort", SORTS)
async def test_walking_every_page_sees_each_product_once_in_order(
    seeded: Harness, sort: str
) -> None:
    # when all pages of the 60 seeded products are walked 7 at a time
    nodes = await walk(seeded, sort)
    # then there are no duplicates and no gaps, in the requested order
    ids = [node["id"] for node in nodes]
    assert len(ids) == len(set(ids)) == len(CATALOGUE)
    prices = [node["price"]["amount"] for node in nodes]
    names = [node["name"].casefold() for node in nodes]
    expected = {"PRICE_ASC": prices == sorted(prices),
                "PRICE_DESC": prices == sorted(prices, reverse=True),
                "NAME_ASC": names == sorted(names),
                "NAME_DESC": names == sorted(names, reverse=True),
                "NEWEST": names[0] == "magnetic drawing board"}
    assert expected[sort]


@pytest.mark.parametrize("sort", SORTS)
async def test_an_insert_mid_walk_causes_no_duplicates_or_gaps(seeded: Harness, sort: str) -> None:
    # given a walk that is two pages in when a new product appears in the middle of every order
    async def insert() -> None:
        await seeded.create(sku="MID-1", name="Mid Walk Lamp",
                            price={"amount": 4000, "currency": "USD"})

    # when the walk continues to the end
    nodes = await walk(seeded, sort, mid_walk=insert)
    # then every original product was seen exactly once
    ids = [node["id"] for node in nodes if node["name"] != "Mid Walk Lamp"]
    assert len(ids) == len(set(ids)) == len(CATALOGUE)
    assert len(nodes) - len(ids) <= 1


async def test_the_first_page_defaults_to_twenty_and_reports_the_total(seeded: Harness) -> None:
    result = await seeded.gql(PAGE, {})
    connection = result["data"]["products"]
    assert len(connection["edges"]) == 20
    assert connection["totalCount"] == len(CATALOGUE)
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["startCursor"] == connection["edges"][0]["cursor"]


async def test_cursors_do_not_show_ids_in_plain_text(seeded: Harness) -> None:
    result = await seeded.gql(PAGE, {"first": 3})
    for edge in result["data"]["products"]["edges"]:
        assert edge["node"]["id"] not in edge["cursor"]


@pytest.mark.parametrize(
    "after",
    ["garbage", "", "!!!", base64.urlsafe_b64encode(b'[1,"PRICE_ASC","x","id"]').decode(),
     base64.urlsafe_b64encode(b'{"a": 1}').decode(), base64.urlsafe_b64encode(b"\xff\xfe").decode(),
     base64.urlsafe_b64encode(b'[1,"PRICE_ASC",99999999999999,"id"]').decode()],
    ids=["word", "empty", "symbols", "wrong-key-type", "object", "binary", "out-of-range"],
)
async def test_a_garbage_cursor_is_bad_user_input(seeded: Harness, after: str) -> None:
    result = await seeded.gql(PAGE, {"after": after, "sort": "PRICE_ASC"})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_cursor_from_another_sort_is_bad_user_input(seeded: Harness) -> None:
    # given a cursor made while sorting by price
    page = await seeded.gql(PAGE, {"first": 2, "sort": "PRICE_ASC"})
    cursor = page["data"]["products"]["pageInfo"]["endCursor"]
    # when it is used while sorting by name
    result = await seeded.gql(PAGE, {"after": cursor, "sort": "NAME_ASC"})
    # then it is refused rather than paging from the wrong place
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_first_out_of_bounds_is_bad_user_input(seeded: Harness, first: int) -> None:
    result = await seeded.gql(PAGE, {"first": first})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
