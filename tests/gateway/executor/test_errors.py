"""Subgraph errors reach the client at client paths; failures give partial data, never a crash."""

from __future__ import annotations

import asyncio

import httpx

from gateway.fetch import SubgraphFetchError
from gateway.plan import ParallelNode, SequenceNode
from tests.gateway.executor.conftest import SCHEMA
from tests.gateway.executor.harness import Subgraphs, entities, execute, fetch, flatten, key

PRODUCTS = [
    {"__typename": "Product", "id": "p1", "name": "Chair"},
    {"__typename": "Product", "id": "p2", "name": "Lamp"},
    {"__typename": "Product", "id": "p3", "name": "Rug"},
]


def _products(_):
    return {"data": {"products": PRODUCTS, "topProducts": PRODUCTS}}


def _stock_fails_for_p2(request):
    results, errors = [], []
    for i, rep in enumerate(entities(request)):
        if rep["id"] == "p2":
            results.append(None)
            errors.append({"message": "no stock for p2", "path": ["_entities", i, "stock"],
                           "extensions": {"code": "NOT_FOUND"}})
        else:
            results.append({"stock": 1})
    return {"data": {"_entities": results}, "errors": errors}


def _plan(field: str):
    return SequenceNode((
        fetch("products", f"{{ {field} {{ __typename id name }} }}"),
        flatten(f"{field}.@", "inventory", "Product", (key("id"),), "{ stock }"),
    ))


def _down(_):
    raise httpx.ConnectError("connection refused")


async def test_entity_error_path_is_rewritten_and_nulls_the_nullable_list_item():
    subgraphs = Subgraphs({"products": _products, "inventory": _stock_fails_for_p2})
    # when topProducts: [Product] (nullable items) asks the non-null stock
    response = await execute(SCHEMA, "{ topProducts { name stock } }", _plan("topProducts"),
                             subgraphs)
    # then only p2 is nulled and the error sits at its client path with its extensions
    assert response == {
        "data": {"topProducts": [{"name": "Chair", "stock": 1}, None,
                                 {"name": "Rug", "stock": 1}]},
        "errors": [{"message": "no stock for p2", "path": ["topProducts", 1, "stock"],
                    "extensions": {"code": "NOT_FOUND", "serviceName": "inventory"}}],
    }


async def test_non_null_error_bubbles_to_data_and_the_error_is_kept():
    subgraphs = Subgraphs({"products": _products, "inventory": _stock_fails_for_p2})
    # when products: [Product!]! cannot hold a null item
    response = await execute(SCHEMA, "{ products { name stock } }", _plan("products"), subgraphs)
    # then data is null (§6.4.4) and the subgraph's error is not dropped, nor doubled
    assert response["data"] is None
    assert [e["path"] for e in response["errors"]] == [["products", 1, "stock"]]


async def test_error_of_a_deduplicated_entity_is_reported_at_every_originating_path():
    products = [PRODUCTS[1], dict(PRODUCTS[1])]
    subgraphs = Subgraphs({"products": lambda _: {"data": {"topProducts": products}},
                           "inventory": _stock_fails_for_p2})
    response = await execute(SCHEMA, "{ topProducts { stock } }", _plan("topProducts"), subgraphs)
    assert response["data"] == {"topProducts": [None, None]}
    assert [e["path"] for e in response["errors"]] == [
        ["topProducts", 0, "stock"], ["topProducts", 1, "stock"]
    ]


async def test_root_field_error_keeps_its_path_and_sibling_fields():
    answer = {"data": {"product": None, "products": PRODUCTS[:1]},
              "errors": [{"message": "boom", "path": ["product"],
                          "locations": [{"line": 1, "column": 3}]}]}
    subgraphs = Subgraphs({"products": lambda _: answer})
    plan = fetch("products", '{ product(id: "x") { name } products { name } }')
    response = await execute(SCHEMA, '{ product(id: "x") { name } products { name } }',
                             plan, subgraphs)
    # then locations (which point into the gateway's own document) are not passed on
    assert response == {
        "data": {"product": None, "products": [{"name": "Chair"}]},
        "errors": [{"message": "boom", "path": ["product"],
                    "extensions": {"serviceName": "products"}}],
    }


async def test_subgraph_down_gives_partial_data_and_one_fetch_failed_error():
    subgraphs = Subgraphs({"products": _products, "inventory": _down})
    # when the inventory subgraph refuses connections
    response = await execute(SCHEMA, "{ topProducts { name stock } }", _plan("topProducts"),
                             subgraphs)
    # then the products it would have completed are null, with one error naming the subgraph
    assert response["data"] == {"topProducts": [None, None, None]}
    [error] = response["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED", "serviceName": "inventory"}
    assert "inventory" in error["message"]


async def test_nullable_field_of_a_failed_fetch_is_null_without_extra_errors():
    subgraphs = Subgraphs({"products": _products, "inventory": _down})
    plan = SequenceNode((
        fetch("products", "{ products { __typename id name } }"),
        flatten("products.@", "inventory", "Product", (key("id"),), "{ price }"),
    ))
    response = await execute(SCHEMA, "{ products { name price } }", plan, subgraphs)
    assert response["data"] == {"products": [
        {"name": "Chair", "price": None}, {"name": "Lamp", "price": None},
        {"name": "Rug", "price": None},
    ]}
    assert len(response["errors"]) == 1


async def test_single_failed_entity_fetch_error_carries_the_object_path():
    subgraphs = Subgraphs({"products": lambda _: {"data": {"product": PRODUCTS[0]}},
                           "inventory": _down})
    plan = SequenceNode((
        fetch("products", "{ product { __typename id name } }"),
        flatten("product", "inventory", "Product", (key("id"),), "{ price }"),
    ))
    response = await execute(SCHEMA, '{ product(id: "p1") { name price } }', plan, subgraphs)
    assert response["data"] == {"product": {"name": "Chair", "price": None}}
    assert response["errors"][0]["path"] == ["product"]


async def test_root_subgraph_down_nulls_its_root_fields_but_not_the_others():
    subgraphs = Subgraphs({"products": _down,
                           "reviews": lambda _: {"data": {"topProducts": PRODUCTS[:1]}}})
    plan = ParallelNode((fetch("products", "{ product { name } }"),
                         fetch("reviews", "{ topProducts { name } }")))
    response = await execute(SCHEMA, '{ product(id: "p1") { name } topProducts { name } }',
                             plan, subgraphs)
    assert response["data"] == {"product": None, "topProducts": [{"name": "Chair"}]}
    assert [e["extensions"]["code"] for e in response["errors"]] == ["SUBGRAPH_FETCH_FAILED"]


async def test_root_subgraph_down_under_a_non_null_root_field_nulls_data():
    subgraphs = Subgraphs({"products": _down})
    response = await execute(SCHEMA, "{ products { name } }",
                             fetch("products", "{ products { name } }"), subgraphs)
    assert response["data"] is None
    assert len(response["errors"]) == 1


async def test_slow_subgraph_times_out_with_subgraph_timeout():
    async def slow(_):
        await asyncio.sleep(2)
        return {"data": {"_entities": []}}

    subgraphs = Subgraphs({"products": _products, "inventory": slow})
    # when inventory takes longer than its timeout
    response = await execute(SCHEMA, "{ topProducts { name price } }", SequenceNode((
        fetch("products", "{ topProducts { __typename id name } }"),
        flatten("topProducts.@", "inventory", "Product", (key("id"),), "{ price }"),
    )), subgraphs, subgraph_timeout=0.1)
    # then the client gets what the others produced, and a timeout error
    assert response["data"]["topProducts"][0] == {"name": "Chair", "price": None}
    assert response["errors"][0]["extensions"] == {"code": "SUBGRAPH_TIMEOUT",
                                                   "serviceName": "inventory"}


async def test_non_graphql_subgraph_answer_is_an_error_not_a_crash():
    subgraphs = Subgraphs({"products": lambda _: httpx.Response(502, text="<html>bad gw</html>")})
    response = await execute(SCHEMA, '{ product(id: "p1") { name } }',
                             fetch("products", "{ product { name } }"), subgraphs)
    assert response["data"] == {"product": None}
    assert response["errors"][0]["extensions"]["code"] == "SUBGRAPH_FETCH_FAILED"
    assert "502" in response["errors"][0]["message"]


async def test_invalid_json_from_a_subgraph_is_an_invalid_response_error():
    subgraphs = Subgraphs({"products": lambda _: httpx.Response(200, text="{not json")})
    response = await execute(SCHEMA, '{ product(id: "p1") { name } }',
                             fetch("products", "{ product { name } }"), subgraphs)
    assert response["data"] == {"product": None}
    assert response["errors"][0]["extensions"]["code"] == "SUBGRAPH_INVALID_RESPONSE"


async def test_graphql_error_body_with_http_4xx_is_still_used():
    # GraphQL over HTTP: application/graphql-response+json answers request errors with a 4xx
    body = {"errors": [{"message": "Cannot query field"}]}
    subgraphs = Subgraphs({"products": lambda _: httpx.Response(400, json=body)})
    response = await execute(SCHEMA, '{ product(id: "p1") { name } }',
                             fetch("products", "{ product { name } }"), subgraphs)
    assert response == {"data": {"product": None}, "errors": [
        {"message": "Cannot query field", "extensions": {"serviceName": "products"}}
    ]}


async def test_wrong_number_of_entities_is_reported_once():
    subgraphs = Subgraphs({"products": _products,
                           "inventory": lambda _: {"data": {"_entities": [{"price": 1}]}}})
    response = await execute(SCHEMA, "{ topProducts { price } }", SequenceNode((
        fetch("products", "{ topProducts { __typename id } }"),
        flatten("topProducts.@", "inventory", "Product", (key("id"),), "{ price }"),
    )), subgraphs)
    assert response["data"] == {"topProducts": [{"price": None}] * 3}
    [error] = response["errors"]
    assert error["extensions"]["code"] == "SUBGRAPH_INVALID_RESPONSE"


async def test_error_below_a_null_parent_is_kept_with_its_own_path():
    # given a subgraph that itself nulled a review because its non-null body failed
    answer = {"data": {"product": {"reviews": [None]}},
              "errors": [{"message": "no body", "path": ["product", "reviews", 0, "body"]}]}
    subgraphs = Subgraphs({"products": lambda _: answer})
    response = await execute(SCHEMA, '{ product(id: "p1") { reviews { body } } }',
                             fetch("products", "{ product { reviews { body } } }"), subgraphs)
    # then the client schema ([Review!]) nulls the list, and the error is the subgraph's only
    assert response == {"data": {"product": {"reviews": None}}, "errors": [
        {"message": "no body", "path": ["product", "reviews", 0, "body"],
         "extensions": {"serviceName": "products"}}
    ]}


async def test_subgraph_answer_over_the_size_limit_is_refused():
    from gateway.fetch import ClientOptions, SubgraphPool

    big = {"data": {"product": {"name": "x" * 10_000}}}
    subgraphs = Subgraphs({"products": lambda _: big})
    pool = SubgraphPool({"products": "http://products/graphql"},
                        {"products": ClientOptions(max_response_bytes=1_000)}, subgraphs)
    try:
        await pool.fetch("products", {"query": "{ product { name } }"}, {}, False)
    except SubgraphFetchError as error:
        assert error.code == "SUBGRAPH_RESPONSE_TOO_LARGE"
    else:
        raise AssertionError("a 10 kB answer passed a 1 kB limit")


async def test_malformed_errors_entry_from_a_subgraph_is_still_reported():
    subgraphs = Subgraphs({"products": lambda _: {"data": {"product": None},
                                                  "errors": {"message": "not a list"}}})
    response = await execute(SCHEMA, '{ product(id: "p1") { name } }',
                             fetch("products", "{ product { name } }"), subgraphs)
    assert response["errors"] == [{"message": "not a list",
                                   "extensions": {"serviceName": "products"}}]


async def test_subgraph_stack_traces_do_not_reach_the_client():
    error = {"message": "boom", "path": ["product"], "extensions": {
        "code": "INTERNAL", "stacktrace": ["at x"], "exception": {"stacktrace": ["at y"]}}}
    subgraphs = Subgraphs({"products": lambda _: {"data": {"product": None}, "errors": [error]}})
    response = await execute(SCHEMA, '{ product(id: "p1") { name } }',
                             fetch("products", "{ product { name } }"), subgraphs)
    assert response["errors"][0]["extensions"] == {"code": "INTERNAL", "serviceName": "products"}
