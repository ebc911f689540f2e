"""``@defer`` through the real planner over the federation samples' subgraphs: the payloads a
client receives, in order, and the merged result the same as without ``@defer``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from tests.gateway.harness import Samples, case_named
from tests.gateway.incremental.client import (
    ACCEPT_DEFER,
    ACCEPT_V02,
    merged,
    merged_v02,
    post_deferred,
)

pytestmark = pytest.mark.timeout(60)

_APPS: dict[str, Any] = {}


@pytest.fixture
async def gateway(samples: Samples) -> AsyncIterator[Any]:
    """``ask(case, query, variables)``: (payloads, plain answer of the query without @defer)."""
    async def ask(case: str, query: str, variables: dict[str, Any] | None = None,
                  strip: bool = True, accept: str = ACCEPT_DEFER,
                  ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if case not in _APPS:
            _APPS[case] = create_app(case_named(case).supergraph, subgraph_urls=samples.urls(case))
        app = _APPS[case]
        samples.prepare(case)
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            body = {"query": query, "variables": variables or {}}
            response, payloads = await post_deferred(client, body, accept)
            assert response.status_code == 200
            plain_query = re.sub(r"@(defer|stream)(\([^)]*\))?", "", query) if strip else query
            samples.prepare(case)
            plain = (await client.post("/graphql", json={**body, "query": plain_query})).json()
        return payloads, plain

    yield ask


async def test_deferred_entity_jump_arrives_after_the_primary_part(gateway: Any) -> None:
    # given a list whose stock comes from another subgraph, deferred with a label
    query = '{ products(first: 2) { name ... @defer(label: "stock") { stock } } }'
    # when the client asks for it incrementally
    payloads, plain = await gateway("simple-entity-jump", query)
    # then the names come first, each product's stock later at its own path
    assert payloads == [
        {"data": {"products": [{"name": "Chair"}, {"name": "Table"}]}, "hasNext": True},
        {"incremental": [
            {"data": {"stock": 3}, "path": ["products", 0], "label": "stock"},
            {"data": {"stock": 0}, "path": ["products", 1], "label": "stock"},
        ], "hasNext": False},
    ]
    assert merged(payloads) == plain


async def test_nested_defer_is_delivered_after_its_parent(gateway: Any) -> None:
    # given a deferred fragment inside a deferred list field
    query = ('{ products(first: 1) { name ... @defer(label: "reviews") { reviews { rating '
             '... @defer(label: "body") { body } } } } }')
    payloads, plain = await gateway("simple-entity-jump", query)
    # then the inner part names objects the outer part delivered, never before it
    items = [item for payload in payloads[1:] for item in payload["incremental"]]
    labels = [item["label"] for item in items]
    assert labels.index("reviews") < labels.index("body")
    assert items[0] == {"data": {"reviews": [{"rating": 5}, {"rating": 3}]},
                        "path": ["products", 0], "label": "reviews"}
    assert [i["path"] for i in items if i["label"] == "body"] == [
        ["products", 0, "reviews", 0], ["products", 0, "reviews", 1]]
    assert payloads[-1]["hasNext"] is False
    assert merged(payloads) == plain


async def test_defer_if_false_answers_in_one_payload(gateway: Any) -> None:
    # given @defer switched off by a variable
    query = ('query($d: Boolean!) { products(first: 2) { name '
             '... @defer(if: $d) { stock } } }')
    payloads, plain = await gateway("simple-entity-jump", query, {"d": False}, strip=False)
    # then the whole result comes in one part, and plain HTTP answers it too (no 406)
    assert payloads == [plain]
    assert plain["data"]["products"][0] == {"name": "Chair", "stock": 3}


async def test_defer_on_an_abstract_type_delivers_only_matching_objects(gateway: Any) -> None:
    # given a deferred fragment on one implementation of an interface list
    query = ("{ accounts { __typename id ... on Customer @defer(label: \"c\") "
             "{ tier points } } }")
    payloads, plain = await gateway("interfaces-across-subgraphs", query)
    # then only customers get an incremental item, and the merged result is the plain one
    customers = [i for i, a in enumerate(plain["data"]["accounts"])
                 if a["__typename"] == "Customer"]
    items = [item for payload in payloads[1:] for item in payload["incremental"]]
    assert customers and [item["path"] for item in items] == [["accounts", i] for i in customers]
    assert merged(payloads) == plain


async def test_null_in_a_deferred_part_does_not_reach_the_primary_part(gateway: Any) -> None:
    # given a non-null field that fails for p2, deferred
    query = '{ product(id: "p2") { name ... @defer(label: "r") { rating } } }'
    payloads, plain = await gateway("errors-and-null-propagation", query)
    # then the product keeps its name; the deferred part is null with the error at its path
    assert plain["data"] == {"product": None}  # without @defer the null reaches the product
    assert payloads[0] == {"data": {"product": {"name": "Lamp"}}, "hasNext": True}
    item = payloads[1]["incremental"][0]
    assert item["data"] is None and item["path"] == ["product"] and item["label"] == "r"
    assert [error["path"] for error in item["errors"]] == [["product", "rating"]]
    assert payloads[1]["hasNext"] is False


async def test_deferred_part_fails_while_the_primary_part_succeeds(gateway: Any) -> None:
    # given the shipping subgraph is down and its fields are deferred
    query = '{ products { name ... @defer(label: "ship") { shippingCost } } }'
    payloads, plain = await gateway("errors-and-null-propagation", query)
    # then the primary part has no error; the deferred items carry the failure
    assert "errors" not in payloads[0]
    assert [p["name"] for p in payloads[0]["data"]["products"]] == ["Chair", "Lamp", "Rug"]
    items = [item for payload in payloads[1:] for item in payload["incremental"]]
    assert [item["data"] for item in items] == [{"shippingCost": None}] * 3
    assert sum(len(item.get("errors", [])) for item in items) >= 1
    assert merged(payloads)["data"] == plain["data"]


async def test_graphql_js_17_format_announces_pending_parts_and_completes_them(
        gateway: Any) -> None:
    # given a client asking for incrementalSpec=v0.2 (graphql-js 17 alpha 9, Apollo Client 4)
    query = ('{ products(first: 2) { name ... @defer(label: "r") { reviews { rating '
             '... @defer(label: "b") { body } } } } }')
    payloads, plain = await gateway("simple-entity-jump", query, accept=ACCEPT_V02)
    # then each deferred fragment is announced with its parent, delivered by id, completed
    assert payloads == [
        {"data": {"products": [{"name": "Chair"}, {"name": "Table"}]},
         "pending": [{"id": "0", "path": ["products", 0], "label": "r"},
                     {"id": "1", "path": ["products", 1], "label": "r"}], "hasNext": True},
        {"pending": [{"id": "2", "path": ["products", 0, "reviews", 0], "label": "b"},
                     {"id": "3", "path": ["products", 0, "reviews", 1], "label": "b"}],
         "incremental": [{"id": "0", "data": {"reviews": [{"rating": 5}, {"rating": 3}]}},
                         {"id": "1", "data": {"reviews": []}},
                         {"id": "2", "data": {"body": "Comfortable"}},
                         {"id": "3", "data": {"body": "Wobbly"}}],
         "completed": [{"id": "0"}, {"id": "1"}, {"id": "2"}, {"id": "3"}], "hasNext": False},
    ]
    assert merged_v02(payloads) == plain


async def test_graphql_js_17_format_completes_a_nulled_part_with_its_errors(
        gateway: Any) -> None:
    query = ('{ product(id: "p2") { name ... @defer(label: "r") { rating } } '
             'other: product(id: "p1") { name ... @defer { rating } } }')
    payloads, _ = await gateway("errors-and-null-propagation", query, accept=ACCEPT_V02)
    last = payloads[-1]
    # then the failed fragment has no incremental entry, only a completion with its error
    assert last["incremental"] == [{"id": "1", "data": {"rating": 4}}]
    failed = next(done for done in last["completed"] if done["id"] == "0")
    assert [error["path"] for error in failed["errors"]] == [["product", "rating"]]
    assert merged_v02(payloads)["data"] == {"product": {"name": "Lamp"},
                                            "other": {"name": "Chair", "rating": 4}}


async def test_bare_multipart_accept_gets_incremental_parts(gateway: Any) -> None:
    # given GraphiQL's fetcher, which accepts "application/json, multipart/mixed" for @defer
    query = '{ products(first: 1) { name ... @defer { stock } } }'
    payloads, plain = await gateway("simple-entity-jump", query,
                                    accept="application/json, multipart/mixed")
    # then it gets the deferSpec=20220824 parts
    assert payloads[0] == {"data": {"products": [{"name": "Chair"}]}, "hasNext": True}
    assert merged(payloads) == plain


async def test_parts_complete_with_the_primary_part_follow_it_with_has_next_true(
        gateway: Any) -> None:
    # given a deferred fragment whose fields come from the primary part's own fetch
    query = '{ products(first: 2) { ... @defer(label: "n") { name } } }'
    payloads, plain = await gateway("simple-entity-jump", query)
    # then the initial payload still announces the payload that follows
    assert payloads == [
        {"data": {"products": [{}, {}]}, "hasNext": True},
        {"incremental": [{"data": {"name": "Chair"}, "path": ["products", 0], "label": "n"},
                         {"data": {"name": "Table"}, "path": ["products", 1], "label": "n"}],
         "hasNext": False},
    ]
    assert merged(payloads) == plain


async def test_stream_keeps_initial_count_items_and_sends_the_rest_next(gateway: Any) -> None:
    # given a list streamed with initialCount 1
    query = '{ products(first: 3) @stream(initialCount: 1, label: "s") { name } }'
    payloads, plain = await gateway("simple-entity-jump", query)
    # then the first item comes with the list, the rest from index 1 after it
    assert payloads == [
        {"data": {"products": [{"name": "Chair"}]}, "hasNext": True},
        {"incremental": [{"items": [{"name": "Table"}, {"name": "Lamp"}],
                          "path": ["products", 1], "label": "s"}], "hasNext": False},
    ]
    assert merged(payloads) == plain


async def test_stream_in_graphql_js_17_format(gateway: Any) -> None:
    query = '{ products(first: 3) @stream(initialCount: 2) { name } }'
    payloads, plain = await gateway("simple-entity-jump", query, accept=ACCEPT_V02)
    assert payloads == [
        {"data": {"products": [{"name": "Chair"}, {"name": "Table"}]},
         "pending": [{"id": "0", "path": ["products"]}], "hasNext": True},
        {"incremental": [{"id": "0", "items": [{"name": "Lamp"}]}],
         "completed": [{"id": "0"}], "hasNext": False},
    ]
    assert merged_v02(payloads) == plain


async def test_errors_of_streamed_items_travel_with_them(gateway: Any) -> None:
    # given a nullable item whose rating fails, past initialCount
    query = '{ topProducts @stream(initialCount: 1, label: "t") { name rating } }'
    payloads, plain = await gateway("errors-and-null-propagation", query)
    # then the initial payload has no error; the streamed item is null with its error
    assert payloads[0] == {"data": {"topProducts": [{"name": "Chair", "rating": 4}]},
                           "hasNext": True}
    streamed = payloads[1]["incremental"][0]
    assert streamed["items"] == [None, {"name": "Rug", "rating": 2}]
    assert [e["path"] for e in streamed["errors"]] == [["topProducts", 1, "rating"]]
    assert merged(payloads) == plain


async def test_a_list_whose_items_hold_deferred_fragments_comes_whole(gateway: Any) -> None:
    query = ('{ products(first: 3) @stream(initialCount: 1) { name '
             '... @defer(label: "s") { stock } } }')
    payloads, plain = await gateway("simple-entity-jump", query)
    assert [p["name"] for p in payloads[0]["data"]["products"]] == ["Chair", "Table", "Lamp"]
    assert merged(payloads) == plain
