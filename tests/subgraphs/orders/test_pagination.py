"""``User.orders`` is a Relay connection: newest first, opaque cursors, forward paging."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from tests.subgraphs.orders.harness import ADA, BOB, Harness, codes_of

PAGE = (
    "query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { "
    "... on User { orders(first: $first, after: $after) { totalCount edges { cursor node { id } }"
    " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"
)


async def page(app: Harness, first: int | None = None, after: str | None = None) -> dict:
    variables = {"r": [{"__typename": "User", "id": ADA.id}], "first": first, "after": after}
    [user] = await app.ok(PAGE, variables, user=ADA)
    return user["orders"]


async def test_orders_page_newest_first_until_the_end(app: Harness) -> None:
    # given five orders of Ada and one of Bob
    placed = [(await app.place(ADA, version=v))["id"] for v in range(1, 6)]
    await app.place(BOB, version=1)
    # when Ada pages through two at a time
    seen, after, pages = [], None, []
    while True:
        current = await page(app, 2, after)
        pages.append(current)
        seen += [edge["node"]["id"] for edge in current["edges"]]
        if not current["pageInfo"]["hasNextPage"]:
            break
        after = current["pageInfo"]["endCursor"]
    # then she sees her five, newest first, each once, in three pages
    assert seen == list(reversed(placed))
    assert [len(p["edges"]) for p in pages] == [2, 2, 1]
    assert all(p["totalCount"] == 5 for p in pages)
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True]


async def test_a_page_defaults_to_twenty_and_an_empty_history_is_empty(app: Harness) -> None:
    empty = await page(app)
    assert empty["edges"] == [] and empty["pageInfo"]["endCursor"] is None
    for version in range(1, 23):
        await app.place(ADA, version=version)
    first = await page(app)
    assert len(first["edges"]) == 20 and first["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("cursor", ["garbage", base64.urlsafe_b64encode(b'[9, 1, "x"]').decode(),
                                    base64.urlsafe_b64encode(b'[1, "x", "x"]').decode()],
                         ids=["not-base64-json", "other-version", "bad-instant"])
async def test_a_cursor_we_did_not_issue_is_bad_user_input(app: Harness, cursor: str) -> None:
    variables = {"r": [{"__typename": "User", "id": ADA.id}], "after": cursor}
    assert codes_of(await app.gql(PAGE, variables, user=ADA)) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("first", [-1, 101])
async def test_first_outside_0_to_100_is_bad_user_input(app: Harness, first: int) -> None:
    variables = {"r": [{"__typename": "User", "id": ADA.id}], "first": first}
    assert codes_of(await app.gql(PAGE, variables, user=ADA)) == ["BAD_USER_INPUT"]


async def test_orders_placed_in_the_same_microsecond_page_by_id_without_loss(
    app: Harness,
) -> None:
    # given seven orders with one creation time
    moment = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    app.services.checkout.clock = lambda: moment
    placed = {(await app.place(ADA, version=v))["id"] for v in range(1, 8)}
    # when paging three at a time, then each order comes exactly once
    seen, after = [], None
    while True:
        current = await page(app, 3, after)
        seen += [edge["node"]["id"] for edge in current["edges"]]
        if not current["pageInfo"]["hasNextPage"]:
            break
        after = current["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(placed) and len(seen) == 7
    assert seen == sorted(seen, reverse=True)
